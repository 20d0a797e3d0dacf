using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Compiled;
using Compiled.Checkpoints;
using Compiled.Coders;
using Compiled.Connectors.Nats;
using NATS.Client.Core;
using NATS.Client.JetStream;
using StreamingScores;

namespace DurableScores;

/// <summary>Collects the panes the runner fires, for the job to write to both sinks after each call into the runner.</summary>
public sealed class PendingPanes : ISink<KV<string, long>>
{
    /// <summary>The panes fired and not yet written, as <see cref="PaneWriter.Line"/> prints them.</summary>
    public List<string> Lines { get; } = new();

    /// <summary>Keeps one pane.</summary>
    /// <param name="element">A team's total in a window.</param>
    public void Receive(in WindowedValue<KV<string, long>> element) => Lines.Add(PaneWriter.Line(element));
}

/// <summary>
/// The job's own bookkeeping, a part of each checkpoint: the last stream sequence it reads (fixed when the job first
/// starts), the number of lines given to the pipeline so far, and which source gives the next line.
/// </summary>
public sealed class InterleaveState : ICheckpointable
{
    private const byte FormatVersion = 1;

    /// <summary>The last sequence of the input stream the job reads: the stream's last one when the job first started.</summary>
    public ulong EndSequence { get; set; }

    /// <summary>The lines given to the pipeline so far (from both sources; the number of the last one).</summary>
    public long Lines { get; set; }

    /// <summary>True when the next line comes from the stream (if it has one left), false when from the file.</summary>
    public bool StreamNext { get; set; }

    /// <inheritdoc/>
    public ulong StateFingerprint { get; } = Coder.Hash("DurableScores.InterleaveState/1");

    /// <inheritdoc/>
    public void WriteCheckpoint(IBufferWriter<byte> output)
    {
        var writer = new CoderWriter(output);
        writer.WriteByte(FormatVersion);
        writer.WriteUInt64(EndSequence);
        writer.WriteInt64(Lines);
        writer.WriteByte(StreamNext ? (byte)1 : (byte)0);
        writer.Flush();
    }

    /// <inheritdoc/>
    public void RestoreCheckpoint(ReadOnlySpan<byte> state)
    {
        var reader = new CoderReader(state);
        var version = reader.ReadByte();
        if (version != FormatVersion)
        {
            throw new CheckpointMismatchException("The job's state has format " + version + ", not " + FormatVersion + ".");
        }

        EndSequence = reader.ReadUInt64();
        Lines = reader.ReadInt64();
        StreamNext = reader.ReadByte() != 0;
    }
}

/// <summary>
/// StreamingScores' pipeline over two replayable sources, a file (<see cref="TextFileSource"/>) and a JetStream stream
/// (<see cref="JetStreamSource"/>), writing each pane exactly once to a file (<see cref="TransactionalFileSink"/>) and to a
/// JetStream subject (<see cref="JetStreamSink"/>, deduplicated by message id), and checkpointing everything every
/// interval. Killed at any moment and started again with the same arguments, it resumes from its latest complete
/// checkpoint, and both outputs end as those of a run never stopped.
/// </summary>
/// <remarks>
/// <para>A replay must give the pipeline the same lines in the same order, so the two sources are interleaved by a rule
/// that depends only on the checkpointed state, never on timing: one line from the file, then one message from the
/// stream, strictly alternately while both have input; when one is exhausted, the rest of the other. The stream is read
/// up to <see cref="InterleaveState.EndSequence"/>, its last sequence when the job first started, kept in the job's
/// state (and written by a first checkpoint before any input), so that messages published later are never read and a
/// restart stops where the first run would have.</para>
/// <para>Each line's number, for dead letters, is its position in that interleaving (1, 2, ...). Dead letters go to
/// standard error as they are met, at least once.</para>
/// </remarks>
public sealed class FileAndStreamScoresJob : IAsyncDisposable
{
    /// <summary>The shortest duplicate window of the output stream accepted: replays after a restart must be dropped as copies.</summary>
    public static readonly TimeSpan MinimumDuplicateWindow = TimeSpan.FromMinutes(1);

    private readonly INatsJSContext _js;
    private readonly TextFileSource _file;
    private readonly JetStreamSource _stream;
    private readonly InterleaveState _state = new();
    private readonly TransactionalFileSink _output;
    private readonly JetStreamSink _published;
    private readonly string _subject;
    private readonly PendingPanes _panes = new();
    private readonly Checkpointer _checkpointer;
    private readonly TeamScoresPipeline.Runner<EventTimeTracker, PendingPanes, DeadLetterWriter> _runner;
    private readonly long _maxDelayMs;
    private readonly double _linesPerSecond;
    private bool _restored;
    private bool _fileDone;
    private bool _streamDone;
    private long _panesWritten;

    private FileAndStreamScoresJob(INatsJSContext js, TextFileSource file, string stream, string output, JetStreamSink published, string subject, string checkpoints, TimeSpan interval, System.IO.TextWriter deadLetters, TimeSpan maxDelay, double linesPerSecond)
    {
        _js = js;
        _file = file;
        _stream = new JetStreamSource(js, stream);
        _output = new TransactionalFileSink(output);
        _published = published;
        _subject = subject;
        _checkpointer = new Checkpointer(checkpoints, new CheckpointOptions { Interval = interval, Name = "DurableScores" });
        _runner = TeamScoresPipeline.CreateRunner(new EventTimeTracker(), _panes, new DeadLetterWriter(deadLetters));
        _maxDelayMs = (long)maxDelay.TotalMilliseconds;
        _linesPerSecond = linesPerSecond;

        // The names are the checkpoint's parts: the same from run to run.
        _checkpointer.Register("fileLines", _file);
        _checkpointer.Register("streamLines", _stream);
        _checkpointer.Register("job", _state);
        _checkpointer.Register("pipeline", _runner);
        _checkpointer.Register("teamTotals", _output);
        _checkpointer.Register("published", (ITransactionalSink)_published);
    }

    /// <summary>The checkpoint the run started from, or null when it started from the beginning.</summary>
    public long? RestoredFrom { get; private set; }

    /// <summary>The last sequence of the input stream read.</summary>
    public ulong EndSequence => _state.EndSequence;

    /// <summary>
    /// Creates the job: opens the file, checks that the input stream exists and that a stream with a long enough
    /// duplicate window captures <paramref name="subject"/>, and subscribes to the acknowledgements of what is published.
    /// </summary>
    /// <param name="connection">The NATS connection (connected).</param>
    /// <param name="input">The CSV file.</param>
    /// <param name="stream">The JetStream stream of CSV lines, one a message.</param>
    /// <param name="output">The output file of panes, written exactly once.</param>
    /// <param name="subject">The subject each pane is published to, as one message.</param>
    /// <param name="checkpoints">The directory of checkpoints (created when missing).</param>
    /// <param name="interval">How often a checkpoint is taken.</param>
    /// <param name="deadLetters">Where malformed lines are reported.</param>
    /// <param name="maxDelay">The bounded out-of-orderness: the watermark trails the latest event time by this much.</param>
    /// <param name="linesPerSecond">Reads at most this many lines a second (0: as fast as it can).</param>
    /// <param name="cancellationToken">Stops the requests.</param>
    /// <returns>The job; <see cref="RunAsync"/> restores its latest checkpoint first.</returns>
    /// <exception cref="InvalidOperationException">No stream captures the subject, or its duplicate window is too short.</exception>
    public static async Task<FileAndStreamScoresJob> CreateAsync(INatsConnection connection, string input, string stream, string output, string subject, string checkpoints, TimeSpan interval, System.IO.TextWriter deadLetters, TimeSpan maxDelay, double linesPerSecond = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(linesPerSecond);
        var js = new NatsJSContext(connection);
        await js.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        string? outputStream = null;
        await foreach (var name in js.ListStreamNamesAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            outputStream = name;
            break;
        }

        if (outputStream is null)
        {
            throw new InvalidOperationException("no stream captures the subject '" + subject + "': create one (with a duplicate window of at least " + MinimumDuplicateWindow.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s) for the panes published.");
        }

        await JetStreamSink.CheckDuplicateWindowAsync(js, outputStream, MinimumDuplicateWindow, cancellationToken).ConfigureAwait(false);
        var file = new TextFileSource(input);
        try
        {
            var published = await JetStreamSink.CreateAsync(connection, "durable-scores", cancellationToken: cancellationToken).ConfigureAwait(false);
            return new FileAndStreamScoresJob(js, file, stream, output, published, subject, checkpoints, interval, deadLetters, maxDelay, linesPerSecond);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Restores the latest checkpoint; on the first start (no checkpoint), fixes the end of the stream read at its last
    /// sequence now and makes it durable with a first checkpoint, before any input, so that every restart reads the same
    /// messages.
    /// </summary>
    /// <param name="cancellationToken">Stops the load and the requests.</param>
    /// <returns>The checkpoint restored, or null on the first start.</returns>
    public async Task<long?> RestoreAsync(CancellationToken cancellationToken = default)
    {
        if (_restored)
        {
            throw new InvalidOperationException("The job has already restored.");
        }

        _restored = true;
        RestoredFrom = await _checkpointer.RestoreAsync(cancellationToken).ConfigureAwait(false);
        if (RestoredFrom is null)
        {
            var info = await _js.GetStreamAsync(_stream.Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            _state.EndSequence = info.Info.State.LastSeq;
            var first = _checkpointer.CheckpointAsync();
            _checkpointer.TryCheckpoint();
            await first.ConfigureAwait(false);
        }

        return RestoredFrom;
    }

    /// <summary>
    /// Restores the latest checkpoint unless <see cref="RestoreAsync"/> did, reads the rest
    /// of both sources in their interleaving, fires the windows still open, and takes a final checkpoint, which commits
    /// the last panes.
    /// </summary>
    /// <param name="cancellationToken">Stops reading early (without the final checkpoint: the next run resumes).</param>
    /// <returns>A task that completes when the final checkpoint is committed.</returns>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (!_restored)
        {
            await RestoreAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!_runner.IsFinished)
        {
            var pacer = new LinePacer(_linesPerSecond);
            var startLine = _state.Lines;
            while (await NextLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                ScoresStep.Push(_runner, new SourceLine(++_state.Lines, line), _maxDelayMs);
                await WritePanesAsync(cancellationToken).ConfigureAwait(false);
                _checkpointer.TryCheckpoint();
                var delay = pacer.DelayAfter(_state.Lines - startLine);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
            }

            _runner.Finish();
            await WritePanesAsync(cancellationToken).ConfigureAwait(false);
        }

        await _checkpointer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>The end-of-run summary of this process.</summary>
    /// <returns>One line.</returns>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{_state.Lines:N0} lines read in all ({_file.LineNumber:N0} from the file, the stream up to sequence {_state.EndSequence:N0}; {(RestoredFrom is { } id ? "resumed from checkpoint " + id : "from the start")}); {_panesWritten:N0} panes written by this run, {_published.Duplicates:N0} dropped by the stream as copies; {_checkpointer.CompletedCount:N0} checkpoints");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        await _published.DisposeAsync().ConfigureAwait(false);
        _output.Dispose();
        _file.Dispose();
    }

    // The interleaving: the source whose turn it is, or the other one when that one is exhausted; the turn then goes
    // to the source not used. Depends only on the checkpointed state and the (fixed) input: a replay reads the same.
    private async ValueTask<string?> NextLineAsync(CancellationToken cancellationToken)
    {
        if (_state.StreamNext)
        {
            var line = await ReadStreamAsync(cancellationToken).ConfigureAwait(false);
            if (line is not null)
            {
                _state.StreamNext = false;
                return line;
            }

            return ReadFile();
        }
        else
        {
            var line = ReadFile();
            if (line is not null)
            {
                _state.StreamNext = true;
                return line;
            }

            return await ReadStreamAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private string? ReadFile()
    {
        if (_fileDone)
        {
            return null;
        }

        if (_file.TryReadLine(out var line))
        {
            return line;
        }

        _fileDone = true;
        return null;
    }

    private async ValueTask<string?> ReadStreamAsync(CancellationToken cancellationToken)
    {
        while (!_streamDone)
        {
            if (_stream.NextSequence > _state.EndSequence)
            {
                _streamDone = true;
                break;
            }

            var message = await _stream.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (message is null)
            {
                // Nothing arrived in time: more is to come unless the stream no longer holds messages up to the end
                // (removed by its limits or a purge), when what is left is nothing.
                var info = await _js.GetStreamAsync(_stream.Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                _streamDone = info.Info.State.LastSeq < _stream.NextSequence;
                continue;
            }

            if (message.Sequence > _state.EndSequence)
            {
                _streamDone = true; // published after the job first started: not read
                break;
            }

            var text = Encoding.UTF8.GetString(message.Data.Span);
            return text.EndsWith("\r\n", StringComparison.Ordinal) ? text[..^2] : text.EndsWith('\n') ? text[..^1] : text;
        }

        return null;
    }

    // Every pane fired by the last call into the runner, to both sinks in the order fired, before the next checkpoint.
    private async ValueTask WritePanesAsync(CancellationToken cancellationToken)
    {
        if (_panes.Lines.Count == 0)
        {
            return;
        }

        foreach (var line in _panes.Lines)
        {
            _output.Write(line);
            await _published.PublishAsync(_subject, Encoding.UTF8.GetBytes(line), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        _panesWritten += _panes.Lines.Count;
        _panes.Lines.Clear();
    }
}
