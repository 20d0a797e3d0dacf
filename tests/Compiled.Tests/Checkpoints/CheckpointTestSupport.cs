using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Compiled.Checkpoints;
using Microsoft.Extensions.Logging;

namespace Compiled.Tests.Checkpoints;

/// <summary>A fresh directory under the temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "compiled-checkpoints-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A logger that keeps what is logged.</summary>
internal sealed class ListLogger : ILogger
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, formatter(state, exception)));
}

/// <summary>A clock that moves only when told.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = 1_000_000;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Volatile.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) + TimeSpan.FromTicks(Volatile.Read(ref _ticks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>A participant whose state is one counter.</summary>
internal sealed class Counter : ICheckpointable
{
    public Counter(ulong fingerprint = 0xC0FFEE)
    {
        StateFingerprint = fingerprint;
    }

    public long Value { get; set; }

    public ulong StateFingerprint { get; }

    public int Restores { get; private set; }

    public void WriteCheckpoint(IBufferWriter<byte> output)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), Value);
        output.Advance(8);
    }

    public void RestoreCheckpoint(ReadOnlySpan<byte> state)
    {
        Value = BinaryPrimitives.ReadInt64LittleEndian(state);
        Restores++;
    }
}

/// <summary>A sink that records the calls made to it (thread-safe), and whether each commit found its checkpoint durable.</summary>
internal sealed class RecordingSink : ITransactionalSink
{
    private readonly Func<long, bool>? _isDurable;

    public RecordingSink(Func<long, bool>? isDurable = null)
    {
        _isDurable = isDurable;
    }

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<long> Committed { get; } = new();

    public bool CommitBeforeDurable { get; private set; }

    public Exception? FailCommit { get; set; }

    public void PrepareCommit(long checkpointId, IBufferWriter<byte> handle)
    {
        BinaryPrimitives.WriteInt64LittleEndian(handle.GetSpan(8), checkpointId * 10);
        handle.Advance(8);
        Calls.Enqueue($"prepare {checkpointId}");
    }

    public void Commit(long checkpointId, ReadOnlySpan<byte> handle)
    {
        if (FailCommit is not null)
        {
            throw FailCommit;
        }

        if (BinaryPrimitives.ReadInt64LittleEndian(handle) != checkpointId * 10)
        {
            throw new InvalidOperationException("Wrong handle.");
        }

        if (_isDurable is not null && !_isDurable(checkpointId))
        {
            CommitBeforeDurable = true;
        }

        Committed.Enqueue(checkpointId);
        Calls.Enqueue($"commit {checkpointId}");
    }

    public void Recover(long checkpointId, ReadOnlySpan<byte> handle)
    {
        Calls.Enqueue(handle.IsEmpty ? $"recover {checkpointId} empty" : $"recover {checkpointId} {BinaryPrimitives.ReadInt64LittleEndian(handle)}");
    }
}

/// <summary>A store in memory; writes can be held back until released, or fail.</summary>
internal sealed class MemoryCheckpointStore : ICheckpointStore
{
    private readonly object _gate = new();
    private readonly List<CheckpointData> _written = new();

    public SemaphoreSlim? Gate { get; set; }

    public Exception? FailWrite { get; set; }

    public IReadOnlyList<CheckpointData> Written
    {
        get
        {
            lock (_gate)
            {
                return _written.ToArray();
            }
        }
    }

    public bool IsDurable(long id)
    {
        lock (_gate)
        {
            return _written.Exists(c => c.Id == id);
        }
    }

    public async System.Threading.Tasks.ValueTask WriteAsync(CheckpointData checkpoint, CancellationToken cancellationToken = default)
    {
        if (Gate is not null)
        {
            await Gate.WaitAsync(cancellationToken);
        }

        if (FailWrite is not null)
        {
            throw FailWrite;
        }

        // Copy: the parts are pooled buffers, valid only during the write.
        var parts = new List<CheckpointPart>();
        foreach (var part in checkpoint.Parts)
        {
            parts.Add(part with { Data = part.Data.ToArray() });
        }

        lock (_gate)
        {
            _written.Add(new CheckpointData(checkpoint.Id, checkpoint.CreatedAt, parts));
        }
    }

    public System.Threading.Tasks.ValueTask<CheckpointData?> LoadLatestAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new(_written.Count == 0 ? null : _written[^1]);
        }
    }
}
