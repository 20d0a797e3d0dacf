using System;
using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using Compiled;

namespace Compiled.Benchmarks.Faults;

/// <summary>A count per element, pushed one element at a time in <see cref="SinglePushGate"/>.</summary>
[Pipeline]
public partial class CountPerValuePipeline
{
    static void Define(PipelineBuilder p) => p.Create<int>("numbers").CountPerElement().Output("counts");
}

/// <summary>
/// What one call at a time and failure handling cost on single-element pushes: 10,000,000 pushes of 10,000 distinct
/// values into a count per element (the pipeline of the two-writer test). <see cref="Generated"/> is the runner the
/// generator writes now. The hand-written runners are the same fused body with the call's framing as it was before (a
/// finished check), with the owner check
/// alone (one compare and two stores), with the try/catch that names a failing transform alone (the element runs in a
/// method of its own that holds the try, so the push itself stays inlinable), and with both, as generated.
/// </summary>
[MemoryDiagnoser]
public class SinglePushGate
{
    private int[] _numbers = Array.Empty<int>();

    // The runner lives on the heap, as a real one does (a runner that never escapes would be taken apart into registers).
    private Framing? _framing;
    private object? _generated;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _numbers = new int[10_000_000];
        for (var i = 0; i < _numbers.Length; i++)
        {
            _numbers[i] = random.Next(0, 10_000);
        }

        var expected = Before();
        foreach (var (name, value) in new[] { ("OwnerCheckOnly", OwnerCheckOnly()), ("OwnerCheckAndTry", OwnerCheckAndTry()), ("Generated", Generated()) })
        {
            if (value != expected)
            {
                throw new InvalidOperationException($"{name} = {value}, before = {expected}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public long Before()
    {
        var runner = _framing = new Framing();
        foreach (var x in _numbers)
        {
            runner.PushBefore(x);
        }

        return runner.Sum;
    }

    [Benchmark]
    public long OwnerCheckOnly()
    {
        var runner = _framing = new Framing();
        foreach (var x in _numbers)
        {
            runner.PushOwnerCheck(x);
        }

        return runner.Sum;
    }

    [Benchmark]
    public long TryOnly()
    {
        var runner = _framing = new Framing();
        foreach (var x in _numbers)
        {
            runner.PushTryOnly(x);
        }

        return runner.Sum;
    }

    [Benchmark]
    public long OwnerCheckAndTry()
    {
        var runner = _framing = new Framing();
        foreach (var x in _numbers)
        {
            runner.PushOwnerCheckAndTry(x);
        }

        return runner.Sum;
    }

    [Benchmark]
    public long Generated()
    {
        var runner = CountPerValuePipeline.CreateRunner(default(CountDigestSink<int>));
        _generated = runner;
        foreach (var x in _numbers)
        {
            runner.PushNumbers(x);
        }

        runner.Finish();
        return runner.Counts.Total;
    }

    /// <summary>W1's fused loop body with three framings of a push call.</summary>
    private sealed class Framing
    {
        private long _elementsIn;
        private bool _finished;
        private int _state;

        private readonly System.Collections.Generic.Dictionary<int, long> _counts = new();

        /// <summary>The number of values counted.</summary>
        public long Sum
        {
            get
            {
                long total = 0;
                foreach (var count in _counts.Values)
                {
                    total += count;
                }

                return total;
            }
        }

        /// <summary>The end of input (sets the finished flag the old framing checks).</summary>
        public void Finish() => _finished = true;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void On(int element) => System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_counts, element, out _)++;

        /// <summary>As before: a finished check, then the loop body.</summary>
        public void PushBefore(int element)
        {
            if (_finished)
            {
                ThrowFinished();
            }

            _elementsIn++;
            On(element);
        }

        /// <summary>The owner check alone: one compare on entry (it replaces the finished check), a store on entry and on exit.</summary>
        public void PushOwnerCheck(int element)
        {
            if (_state != 0)
            {
                ThrowBusy();
            }

            _state = 1;
            On(element);
            _elementsIn++;
            _state = 0;
        }

        /// <summary>The try/catch that names a failing transform (in a method of its own, as generated), with the old finished check.</summary>
        public void PushTryOnly(int element)
        {
            if (_finished)
            {
                ThrowFinished();
            }

            Guarded(element);
            _elementsIn++;
        }

        /// <summary>The owner check and the try/catch that turns a throw into the push's failure, as generated.</summary>
        public void PushOwnerCheckAndTry(int element)
        {
            if (_state != 0)
            {
                ThrowBusy();
            }

            _state = 1;
            Guarded(element);
            _elementsIn++;
            _state = 0;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private void Guarded(int element)
        {
            try
            {
                On(element);
            }
            catch (Exception ex)
            {
                _state = 2;
                throw Failed(ex);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Exception Failed(Exception ex) => new PipelineExecutionException("failed", ex);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowFinished() => throw new InvalidOperationException("finished");

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowBusy() => throw new InvalidOperationException("busy");
    }
}
