using System;
using System.Buffers;
using System.ComponentModel;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Coders;

namespace Compiled.Checkpoints;

/// <summary>
/// One checkpoint of the streaming parallel runner as it is being taken: a buffer per part (each partition's and each
/// shard's runner state, and the transactions its sinks prepared), filled by the thread that owns the part when the
/// barrier reaches it, and a count of the parts still to come. Generated code uses it; it is public for that reason only.
/// </summary>
/// <remarks>
/// <para>The bytes of a checkpoint: the format (4 bytes), the runner's fingerprint (8), the checkpoint id (8), the
/// runner's layout (partitions, shards per level, levels, key groups: 4 bytes each), the number of participants and of
/// buffers per participant (4 each), then every buffer, participant by participant, as length-prefixed bytes.</para>
/// <para>One checkpoint at a time: <see cref="Begin"/> refuses while one is under way.</para>
/// <para>Every part arrives once per checkpoint. A shard whose thread has ended (every sender finished before its
/// barrier could reach it) is written by whoever comes second: the thread that begins the checkpoint when the shard had
/// left before (<see cref="LeftBeforeBegin"/>), the shard itself when it leaves while the checkpoint waits for it
/// (<see cref="Leave"/>). Its state is then final, so either thread may write it.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class AlignedSnapshot : IDisposable
{
    /// <summary>The version of the layout of the bytes (2: a buffer of attached sources after each part's sinks).</summary>
    public const uint Format = 2;

    private readonly PooledBufferWriter[] _buffers;
    private readonly int _perParticipant;
    private readonly CancellationTokenRegistration _onStop;
    private readonly CancellationTokenRegistration _onFailure;
    private readonly CancellationToken _failed;
    private readonly CancellationToken _stopped;
    private readonly object _parts = new();
    private readonly bool[] _arrived;
    private readonly bool[] _left;
    private readonly bool[] _leftAtBegin;
    private TaskCompletionSource? _completion;
    private int _remaining;
    private long _id = -1;
    private bool _disposed;

    /// <summary>Creates the buffers of a runner's checkpoints.</summary>
    /// <param name="participants">The partitions and shards.</param>
    /// <param name="buffersPerParticipant">The runner state, then one per output sink.</param>
    /// <param name="failed">Cancelled when a shard fails: the checkpoint under way fails with it.</param>
    /// <param name="stopped">Cancelled when the runner is stopped: the checkpoint under way fails with it.</param>
    public AlignedSnapshot(int participants, int buffersPerParticipant, CancellationToken failed, CancellationToken stopped)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(participants, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(buffersPerParticipant, 1);
        _perParticipant = buffersPerParticipant;
        _buffers = new PooledBufferWriter[participants * buffersPerParticipant];
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = new PooledBufferWriter();
        }

        _arrived = new bool[participants];
        _left = new bool[participants];
        _leftAtBegin = new bool[participants];
        _failed = failed;
        _stopped = stopped;
        _onFailure = failed.UnsafeRegister(static state => ((AlignedSnapshot)state!).Fail("a shard failed"), this);
        _onStop = stopped.UnsafeRegister(static state => ((AlignedSnapshot)state!).Fail("the runner was stopped"), this);
    }

    /// <summary>The number of partitions and shards.</summary>
    public int Participants => _buffers.Length / _perParticipant;

    /// <summary>The checkpoint under way, or the last one.</summary>
    public long CheckpointId => Volatile.Read(ref _id);

    /// <summary>
    /// Starts checkpoint <paramref name="checkpointId"/>, before its barriers are sent: every buffer is emptied, and every
    /// part is to <see cref="Arrive"/>.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <returns>Completes once every part has arrived.</returns>
    /// <exception cref="InvalidOperationException">A checkpoint is under way.</exception>
    public Task Begin(long checkpointId)
    {
        TaskCompletionSource completion;
        lock (_parts)
        {
            if (_completion is { Task.IsCompleted: false })
            {
                throw new InvalidOperationException($"Checkpoint {checkpointId} was started while checkpoint {_id} was being taken: one checkpoint at a time.");
            }

            foreach (var buffer in _buffers)
            {
                buffer.Reset();
            }

            Array.Clear(_arrived);
            Array.Copy(_left, _leftAtBegin, _left.Length);
            completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _id, checkpointId);
            _remaining = Participants;
            Volatile.Write(ref _completion, completion);
        }

        if (_failed.IsCancellationRequested || _stopped.IsCancellationRequested)
        {
            Fail(_failed.IsCancellationRequested ? "a shard had failed" : "the runner had been stopped"); // before the completion was there to fail
        }

        return completion.Task;
    }

    /// <summary>The buffer of a participant (index 0: its runner's state; 1 and more: its sinks' transactions).</summary>
    /// <param name="participant">The partition (0 to partitions - 1), or the shard (after the partitions).</param>
    /// <param name="index">Which buffer.</param>
    /// <returns>The buffer, written by the participant's thread only.</returns>
    public IBufferWriter<byte> Buffer(int participant, int index) => _buffers[participant * _perParticipant + index];

    /// <summary>A part has written its buffers (on the thread that owns it, or on the thread that wrote it for it).</summary>
    /// <param name="participant">The part.</param>
    /// <exception cref="InvalidOperationException">The part had arrived already for this checkpoint.</exception>
    public void Arrive(int participant)
    {
        TaskCompletionSource? done = null;
        lock (_parts)
        {
            if (_arrived[participant])
            {
                throw new InvalidOperationException($"Part {participant} of checkpoint {_id} arrived twice.");
            }

            _arrived[participant] = true;
            if (--_remaining == 0)
            {
                done = _completion;
            }
        }

        done?.TrySetResult();
    }

    /// <summary>
    /// A shard's thread ends (its senders have all finished): from now on, the thread that begins a checkpoint writes its
    /// part. Returns true when the checkpoint under way still waits for the part: the shard writes it now, and arrives.
    /// </summary>
    /// <param name="participant">The part.</param>
    /// <returns>True when the caller is to write the part of <see cref="CheckpointId"/>.</returns>
    public bool Leave(int participant)
    {
        lock (_parts)
        {
            _left[participant] = true;
            return _completion is { Task.IsCompleted: false } && !_arrived[participant];
        }
    }

    /// <summary>True when the part's thread had ended (<see cref="Leave"/>) when the checkpoint under way began: the thread that began it writes the part.</summary>
    /// <param name="participant">The part.</param>
    /// <returns>True when the beginner is to write it.</returns>
    public bool LeftBeforeBegin(int participant)
    {
        lock (_parts)
        {
            return _leftAtBegin[participant];
        }
    }

    /// <summary>The runner failed while a checkpoint was under way: it fails too.</summary>
    /// <param name="why">Why, for the message.</param>
    public void Fail(string why) =>
        Volatile.Read(ref _completion)?.TrySetException(new OperationCanceledException(
            "Checkpoint " + CheckpointId.ToString(CultureInfo.InvariantCulture) + " of the parallel runner was not completed: " + why + "."));

    /// <summary>A part could not be written (a sink could not prepare its transaction, a source could not write its position): the checkpoint fails.</summary>
    /// <param name="participant">The part.</param>
    /// <param name="error">What was thrown.</param>
    public void Fail(int participant, Exception error) =>
        Volatile.Read(ref _completion)?.TrySetException(new InvalidOperationException(
            "Checkpoint " + CheckpointId.ToString(CultureInfo.InvariantCulture) + " of the parallel runner was not completed: part " + participant.ToString(CultureInfo.InvariantCulture) + " could not be written.", error));

    /// <summary>Writes the checkpoint, once every part has arrived.</summary>
    /// <param name="output">Where the bytes go.</param>
    /// <param name="fingerprint">The runner's fingerprint.</param>
    /// <param name="layout">Partitions, shards per level, levels and key groups.</param>
    /// <exception cref="ObjectDisposedException">The runner was disposed meanwhile.</exception>
    public void WriteTo(IBufferWriter<byte> output, ulong fingerprint, ReadOnlySpan<int> layout)
    {
        lock (_buffers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Write(output, fingerprint, layout);
        }
    }

    private void Write(IBufferWriter<byte> output, ulong fingerprint, ReadOnlySpan<int> layout)
    {
        var writer = new CoderWriter(output);
        writer.WriteUInt32(Format);
        writer.WriteUInt64(fingerprint);
        writer.WriteInt64(CheckpointId);
        writer.WriteLength(layout.Length);
        foreach (int value in layout)
        {
            writer.WriteInt32(value);
        }

        writer.WriteLength(Participants);
        writer.WriteLength(_perParticipant);
        foreach (var buffer in _buffers)
        {
            writer.WriteBytes(buffer.WrittenMemory.Span);
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads a checkpoint written by <see cref="WriteTo"/> and checks it against the restoring runner: where each buffer
    /// is, participant by participant (the partitions, then the shards of the parallelism it was written at, level by level).
    /// </summary>
    /// <param name="state">The bytes.</param>
    /// <param name="pipeline">The pipeline's name, for messages.</param>
    /// <param name="fingerprint">The restoring runner's fingerprint.</param>
    /// <param name="layout">The restoring runner's partitions, shards per level, levels and key groups.</param>
    /// <param name="buffersPerParticipant">The restoring runner's buffers per participant.</param>
    /// <param name="checkpointId">The checkpoint's id.</param>
    /// <param name="parallelism">The shards per level it was written with.</param>
    /// <returns>The offset and length of every buffer in <paramref name="state"/>.</returns>
    /// <exception cref="CheckpointMismatchException">
    /// The bytes were written by another pipeline, with other partitions or key groups, or are damaged.
    /// </exception>
    public static Range[] Read(ReadOnlySpan<byte> state, string pipeline, ulong fingerprint, ReadOnlySpan<int> layout, int buffersPerParticipant, out long checkpointId, out int parallelism)
    {
        var reader = new CoderReader(state);
        try
        {
            RunnerCheckpoint.ReadFormatAndShape(ref reader, pipeline, "parallel runner's checkpoint", Format, fingerprint);

            checkpointId = reader.ReadInt64();
            int length = reader.ReadLength();
            Span<int> was = length == 4 ? stackalloc int[4] : throw new CoderException("A layout of " + length.ToString(CultureInfo.InvariantCulture) + " values.");
            for (int i = 0; i < length; i++)
            {
                was[i] = reader.ReadInt32();
            }

            if (was[0] != layout[0] || was[2] != layout[2] || was[3] != layout[3])
            {
                throw new CheckpointMismatchException(pipeline + ": checkpoint " + checkpointId.ToString(CultureInfo.InvariantCulture) + " was taken by a parallel runner with " + Describe(was) +
                                                      "; this one has " + Describe(layout) + ". A checkpoint of the parallel runner is restored with the same partitions and key groups.");
            }

            parallelism = was[1];
            int participants = reader.ReadLength();
            int per = reader.ReadLength();
            if (per != buffersPerParticipant || participants != was[0] + (was[1] * was[2]))
            {
                throw new CheckpointMismatchException(pipeline + ": the checkpoint has " + participants.ToString(CultureInfo.InvariantCulture) + " parts of " +
                                                      per.ToString(CultureInfo.InvariantCulture) + " buffers; this runner has " + buffersPerParticipant.ToString(CultureInfo.InvariantCulture) + " buffers per part.");
            }

            var ranges = new Range[participants * per];
            for (int i = 0; i < ranges.Length; i++)
            {
                int size = reader.ReadLength();
                if (size < 0 || size > reader.Remaining)
                {
                    throw new CoderException("A part of " + size.ToString(CultureInfo.InvariantCulture) + " bytes with " + reader.Remaining.ToString(CultureInfo.InvariantCulture) + " left.");
                }

                int start = reader.Position;
                reader.ReadRaw(size);
                ranges[i] = new Range(start, start + size);
            }

            if (reader.Remaining != 0)
            {
                throw new CheckpointMismatchException(pipeline + ": " + reader.Remaining.ToString(CultureInfo.InvariantCulture) + " bytes of the checkpoint were left unread.");
            }

            return ranges;
        }
        catch (CoderException error)
        {
            throw RunnerCheckpoint.Unreadable(pipeline, error);
        }
    }

    /// <summary>Releases the buffers.</summary>
    public void Dispose()
    {
        _onFailure.Dispose();
        _onStop.Dispose();
        Fail("the runner was disposed");
        lock (_buffers)
        {
            _disposed = true;
            foreach (var buffer in _buffers)
            {
                buffer.Dispose();
            }
        }
    }

    private static string Describe(ReadOnlySpan<int> layout) =>
        layout.Length == 4
            ? layout[0].ToString(CultureInfo.InvariantCulture) + " partitions, " + layout[1].ToString(CultureInfo.InvariantCulture) + " shards per level, " +
              layout[2].ToString(CultureInfo.InvariantCulture) + " levels and " + layout[3].ToString(CultureInfo.InvariantCulture) + " key groups"
            : "layout (" + string.Join(", ", layout.ToArray()) + ")";
}
