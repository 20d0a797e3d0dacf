using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Compiled;
using Compiled.Hosting;

namespace StreamingScores;

/// <summary>Tracks the latest event time seen, for the watermark: a struct sink, called without dispatch.</summary>
public struct EventTimeTracker : ISink<GameEvent>
{
    /// <summary>The latest event timestamp seen; <see cref="Instant.MinValue"/> before the first event.</summary>
    public Instant Latest { get; private set; }

    /// <summary>Creates a tracker that has seen nothing.</summary>
    public EventTimeTracker() => Latest = Instant.MinValue;

    /// <summary>Takes the element's timestamp if it is the latest.</summary>
    /// <param name="element">An accepted event with its timestamp.</param>
    public void Receive(in WindowedValue<GameEvent> element)
    {
        if (element.Timestamp > Latest)
        {
            Latest = element.Timestamp;
        }
    }
}

/// <summary>
/// The step every StreamingScores job takes for each line, so that all of them (printed, checkpointed, hosted, read from
/// JetStream) compute the same panes: push the line, then move the watermark to the latest event time seen less the
/// bounded out-of-orderness.
/// </summary>
public static class ScoresStep
{
    /// <summary>Pushes <paramref name="line"/> and moves the watermark.</summary>
    /// <typeparam name="TTotals">The sink of the team totals.</typeparam>
    /// <param name="runner">The pipeline's runner.</param>
    /// <param name="line">The line and its number.</param>
    /// <param name="maxDelayMs">The bounded out-of-orderness, in milliseconds.</param>
    /// <returns>True when the watermark was moved (an event has been accepted so far); panes may have fired.</returns>
    public static bool Push<TTotals>(TeamScoresPipeline.Runner<EventTimeTracker, TTotals, DeadLetterWriter> runner, SourceLine line, long maxDelayMs)
        where TTotals : ISink<KV<string, long>>
    {
        runner.PushLines(line);
        var latest = runner.Accepted.Latest;
        if (latest == Instant.MinValue)
        {
            return false;
        }

        runner.AdvanceWatermark(new Instant(latest.Millis - maxDelayMs));
        return true;
    }
}

/// <summary>Paces reading at most a number of lines a second, to watch a run or kill it in the middle.</summary>
/// <param name="linesPerSecond">The most lines a second; 0 for no pace.</param>
public sealed class LinePacer(double linesPerSecond)
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>How long to wait after <paramref name="lines"/> lines read since this pacer started (zero when on time).</summary>
    /// <param name="lines">The lines read since the pacer started.</param>
    /// <returns>The time to wait.</returns>
    public TimeSpan DelayAfter(long lines)
    {
        if (linesPerSecond <= 0)
        {
            return TimeSpan.Zero;
        }

        var ahead = lines / linesPerSecond - _clock.Elapsed.TotalSeconds;
        return ahead > 0.002 ? TimeSpan.FromSeconds(ahead) : TimeSpan.Zero;
    }
}

/// <summary>Prints each pane as it fires: <c>window start..end team total timing</c>.</summary>
public sealed class PaneWriter(TextWriter writer) : ISink<KV<string, long>>
{
    /// <summary>Panes printed so far.</summary>
    public long Count { get; private set; }

    /// <summary>Prints one pane.</summary>
    /// <param name="element">A team's total in a window.</param>
    public void Receive(in WindowedValue<KV<string, long>> element)
    {
        Count++;
        writer.Write(Line(element));
        writer.Write('\n');
    }

    /// <summary>One pane as printed, without the line break: <c>start..end team total timing</c>.</summary>
    /// <param name="element">A team's total in a window.</param>
    /// <returns>The line.</returns>
    public static string Line(in WindowedValue<KV<string, long>> element) =>
        Format(element.Window.Start) + ".." + Format(element.Window.End) + " " + element.Value.Key.PadRight(8) + " " +
        element.Value.Value.ToString(CultureInfo.InvariantCulture).PadLeft(6) + " " + Timing(element.Pane.Timing);

    /// <summary>An instant as UTC date and time to the second: <c>2026-01-01T00:01:00Z</c>.</summary>
    /// <param name="instant">The instant.</param>
    /// <returns>The text.</returns>
    public static string Format(Instant instant) =>
        DateTimeOffset.FromUnixTimeMilliseconds(instant.Millis).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Timing(PaneTiming timing) => timing switch
    {
        PaneTiming.Early => "EARLY",
        PaneTiming.OnTime => "ON_TIME",
        PaneTiming.Late => "LATE",
        _ => "UNKNOWN",
    };
}

/// <summary>Reports each malformed line with its number and the reason, and counts them.</summary>
/// <param name="writer">Where each malformed line is reported.</param>
/// <param name="observer">Also told of each malformed line (a dashboard's dead-letter log); <see langword="null"/> for none.</param>
public sealed class DeadLetterWriter(TextWriter writer, Action<DeadLetter>? observer = null) : ISink<DeadLetter>
{
    /// <summary>The most characters of a malformed line shown; a longer one ends with "...".</summary>
    public const int MaxShown = 100;

    /// <summary>Malformed lines so far.</summary>
    public long Count { get; private set; }

    /// <summary>Reports one malformed line.</summary>
    /// <param name="element">The line, its number and the reason.</param>
    public void Receive(in WindowedValue<DeadLetter> element)
    {
        Count++;
        var d = element.Value;
        writer.Write($"dead letter: line {d.Line.ToString(CultureInfo.InvariantCulture)}: {d.Reason}: \"{Shown(d.Text)}\"\n");
        observer?.Invoke(d);
    }

    /// <summary>
    /// A malformed line as shown on a terminal: at most <see cref="MaxShown"/> characters, and control characters
    /// (escape sequences, a byte order mark in the middle of the input) as <c>?</c>.
    /// </summary>
    /// <param name="text">The line.</param>
    /// <returns>The text to show.</returns>
    public static string Shown(string text)
    {
        var shown = text.Length > MaxShown ? text[..MaxShown] + "..." : text;
        return string.Create(shown.Length, shown, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                chars[i] = char.IsControl(source[i]) || source[i] == '\uFEFF' ? '?' : source[i];
            }
        });
    }
}

/// <summary>
/// The streaming job: reads lines, pushes them into <see cref="TeamScoresPipeline"/>, moves the watermark to
/// the latest event time seen less the bounded out-of-orderness, and prints each pane as it fires. Runs the
/// same standalone (<see cref="RunToEndAsync"/>) and under the generic host (<see cref="IStreamingJob"/>).
/// </summary>
public sealed class ScoresJob : IStreamingJob
{
    private readonly LineReader _input;
    private readonly TextWriter _output;
    private readonly long _maxDelayMs;
    private readonly TeamScoresPipeline.Runner<EventTimeTracker, PaneWriter, DeadLetterWriter> _runner;
    private long _lines;
    private long _flushedPanes;

    /// <summary>Creates the job.</summary>
    /// <param name="input">The CSV lines.</param>
    /// <param name="output">Where panes are printed (flushed after every watermark step that fired one).</param>
    /// <param name="deadLetters">Where malformed lines are reported (see <see cref="GameEventCsv"/>): each is counted and skipped.</param>
    /// <param name="maxDelay">The bounded out-of-orderness: the watermark trails the latest event time by this much.</param>
    /// <param name="onDeadLetter">Also told of each malformed line (a dashboard's dead-letter log); <see langword="null"/> for none.</param>
    public ScoresJob(TextReader input, TextWriter output, TextWriter deadLetters, TimeSpan maxDelay, Action<DeadLetter>? onDeadLetter = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        _input = new LineReader(input, GameEventCsv.MaxLineLength);
        _output = output;
        _maxDelayMs = (long)maxDelay.TotalMilliseconds;
        _runner = TeamScoresPipeline.CreateRunner(new EventTimeTracker(), new PaneWriter(output), new DeadLetterWriter(deadLetters, onDeadLetter));
    }

    /// <summary>Lines read so far.</summary>
    public long Lines => _lines;

    /// <summary>The runner's own counts (elements in per input, out per output, state per transform), as metrics read them.</summary>
    public Compiled.Diagnostics.IRunnerMetrics RunnerMetrics => _runner;

    /// <summary>Panes printed so far.</summary>
    public long Panes => _runner.TeamTotals.Count;

    /// <summary>Malformed lines so far.</summary>
    public long Malformed => _runner.DeadLetters.Count;

    /// <summary>Events dropped because their window had already fired.</summary>
    public long LateDropped => _runner.DroppedLateElements;

    /// <inheritdoc />
    public StreamingJobCounts Counts => new(_lines, Panes, LateDropped, Malformed);

    /// <summary>Reads to the end of the input, then fires the windows still open.</summary>
    /// <param name="cancellationToken">Stops reading early.</param>
    /// <returns>A task that completes when every pane has been printed.</returns>
    public async Task RunToEndAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Lines longer than a game event can be are cut by the reader and dead-lettered by the pipeline.
            if (await _input.ReadLineAsync(stoppingToken).ConfigureAwait(false) is not { } line)
            {
                return;
            }

            if (ScoresStep.Push(_runner, new SourceLine(++_lines, line.Text, line.Length), _maxDelayMs))
            {
                FlushIfFired();
            }
        }
    }

    /// <inheritdoc />
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        _runner.Finish();
        _output.Flush();
        return Task.CompletedTask;
    }

    private void FlushIfFired()
    {
        var panes = _runner.TeamTotals.Count;
        if (panes != _flushedPanes)
        {
            _flushedPanes = panes;
            _output.Flush();
        }
    }

    /// <summary>The end-of-run summary: lines, events, late events dropped, malformed lines, panes.</summary>
    /// <returns>One line.</returns>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{_lines:N0} lines: {_lines - Malformed:N0} events ({LateDropped:N0} dropped as late), {Malformed:N0} malformed; {Panes:N0} panes");
}
