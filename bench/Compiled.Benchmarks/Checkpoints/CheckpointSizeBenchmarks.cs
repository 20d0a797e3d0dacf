using System;
using System.Buffers;
using System.IO;
using BenchmarkDotNet.Attributes;
using Compiled.Checkpoints;
using Compiled.Benchmarks.EventTime;

namespace Compiled.Benchmarks.Checkpoints;

/// <summary>
/// What a checkpoint of W3's runner costs against the state it holds: one open 60 s window with 10k, 100k or 1M keys
/// counted (W3's pipeline), written to a reused buffer (the runner's part of a checkpoint, before any store), and
/// restored into a new runner; and a whole checkpoint written to a local directory (fsync and rename included). The
/// bytes written are printed at setup. <c>dotnet run -c Release --project
/// bench/Compiled.Benchmarks -- --filter '*CheckpointSize*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class CheckpointSize
{
    private W3FixedCountsPipeline.Runner<WindowDigestSink> _runner = null!;
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private byte[] _checkpoint = Array.Empty<byte>();
    private string _directory = string.Empty;
    private Checkpointer _checkpointer = null!;

    /// <summary>The keys held in the open window.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Keys { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _runner = W3FixedCountsPipeline.CreateRunner(default(WindowDigestSink));
        for (var key = 0; key < Keys; key++)
        {
            _runner.PushEvents(new Event(key, 1, 1_000 + (key % 50_000)), new Instant(1_000 + (key % 50_000)));
        }

        _runner.WriteCheckpoint(_buffer);
        _checkpoint = _buffer.WrittenSpan.ToArray();
        _directory = Directory.CreateTempSubdirectory("compiled-bench-checkpoint-size-").FullName;
        _checkpointer = new Checkpointer(_directory, new CheckpointOptions { Interval = System.Threading.Timeout.InfiniteTimeSpan, KeepLast = 2 });
        _checkpointer.Register("pipeline", _runner);
        _checkpointer.RestoreAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine("// checkpoint of " + Keys.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " keys: " +
                          _checkpoint.Length.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes");
    }

    /// <summary>The runner's state written, in full.</summary>
    [Benchmark]
    public int Write()
    {
        _buffer.ResetWrittenCount();
        _runner.WriteCheckpoint(_buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// A whole checkpoint on disk: the state written on this thread, then the part and its manifest written, fsynced
    /// and renamed by the checkpointer's writer, and the older checkpoints beyond the last two deleted.
    /// </summary>
    [Benchmark]
    public long WriteToDisk()
    {
        var done = _checkpointer.CheckpointAsync();
        _checkpointer.TryCheckpoint();
        return done.GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A new runner given that state.</summary>
    [Benchmark]
    public long Restore()
    {
        var runner = W3FixedCountsPipeline.CreateRunner(default(WindowDigestSink));
        runner.RestoreCheckpoint(_checkpoint);
        return runner.DroppedLateElements;
    }
}
