using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>
/// Beam's @RequiresTimeSortedInput (requiresTimeSortedInput: true), ported from ParDoTest, the DirectRunner's
/// StatefulParDoEvaluatorFactoryTest and runner-core's StatefulDoFnRunnerTest, with their expected outputs. An element
/// waits until the watermark passes its timestamp plus the allowed lateness, then runs in timestamp order; a later one
/// is dropped and counted.
/// </summary>
public class TimeSortedInputTests
{
    /// <summary>1000, 999, ..., 1: ParDoTest's input, in descending order, each value its own timestamp.</summary>
    private static readonly long[] Descending = Enumerable.Range(0, 1000).Select(i => 1000L - i).ToArray();

    /// <summary>ParDoTest.testRequiresTimeSortedInput: 1000 elements in descending order come out sorted: 1000 ones.</summary>
    [Fact]
    public void RequiresTimeSortedInput()
    {
        var output = TimeSortedDifferences.Run(Descending).Output;
        Assert.Equal(1000, output.Count);
        Assert.All(output, d => Assert.Equal(1, d));
    }

    /// <summary>The same on the parallel batch runner: the key's elements meet on its shard, sorted there.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RequiresTimeSortedInput_OnShards(int parallelism)
    {
        var output = TimeSortedDifferences.Run(Descending, parallelism: parallelism).Output;
        Assert.Equal(1000, output.Count);
        Assert.All(output, d => Assert.Equal(1, d));
    }

    /// <summary>
    /// ParDoTest.testRequiresTimeSortedInputWithTestStream: each element pushed by itself, the watermark still at its
    /// minimum, then advanced to the end: 1000 ones.
    /// </summary>
    [Fact]
    public void RequiresTimeSortedInputWithTestStream()
    {
        var runner = TimeSortedDifferences.CreateRunner(new ListSink<int>());
        foreach (var v in Descending)
        {
            runner.PushInput(v);
        }

        runner.AdvanceWatermark(Instant.MaxValue);
        runner.Finish();
        Assert.Equal(1000, runner.Output.Items.Count);
        Assert.All(runner.Output.Items, d => Assert.Equal(1, d));
    }

    /// <summary>
    /// ParDoTest.testRequiresTimeSortedInputWithLateData: the watermark moves to 100 after the element at 100, so 99..1
    /// are late. Beam accepts 900-999 outputs (runner dependent); here exactly the 901 elements from 1000 to 100 run,
    /// sorted, and the 99 late ones are dropped and counted.
    /// </summary>
    [Fact]
    public void RequiresTimeSortedInputWithLateData()
    {
        var runner = TimeSortedDifferences.CreateRunner(new ListSink<int>());
        PushWithWatermarkAt100(runner.PushInput, runner.AdvanceWatermark);
        Assert.Equal(901, runner.Output.Items.Count);
        Assert.All(runner.Output.Items, d => Assert.Equal(1, d));
        Assert.Equal(99, runner.DroppedLateElements);
    }

    /// <summary>ParDoTest.testRequiresTimeSortedInputWithLateDataAndAllowedLateness: 5,000 ms of lateness keeps every element: 1000 ones.</summary>
    [Fact]
    public void RequiresTimeSortedInputWithLateDataAndAllowedLateness()
    {
        var runner = TimeSortedDifferencesWithLateness.CreateRunner(new ListSink<int>());
        PushWithWatermarkAt100(runner.PushInput, runner.AdvanceWatermark);
        Assert.Equal(1000, runner.Output.Items.Count);
        Assert.All(runner.Output.Items, d => Assert.Equal(1, d));
        Assert.Equal(0, runner.DroppedLateElements);
    }

    /// <summary>
    /// ParDoTest.testTwoRequiresTimeSortedInputWithLateData: the first sorted ParDo's outputs keep their elements'
    /// timestamps and hold the watermark while they wait, so the second loses nothing more: 901 again.
    /// </summary>
    [Fact]
    public void TwoRequiresTimeSortedInputWithLateData()
    {
        var runner = TwoTimeSortedStages.CreateRunner(new ListSink<int>());
        PushWithWatermarkAt100(runner.PushInput, runner.AdvanceWatermark);
        Assert.Equal(901, runner.Output.Items.Count);
        Assert.Equal(99, runner.DroppedLateElements);
    }

    private static void PushWithWatermarkAt100(Action<long, Instant> push, Action<Instant> advance)
    {
        foreach (var v in Descending)
        {
            push(v, new Instant(v));
            if (v == 100)
            {
                advance(new Instant(100));
            }
        }

        advance(Instant.MaxValue);
    }

    /// <summary>StatefulParDoEvaluatorFactoryTest.testRequiresTimeSortedInput: 1@2, 2@1, 3@0 give "3", "3:2", "3:2:1".</summary>
    [Fact]
    public void StatefulConcatSorted()
    {
        var runner = TimeSortedConcat.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("", 1), new Instant(2));
        runner.PushInput(KV.Of("", 2), new Instant(1));
        runner.PushInput(KV.Of("", 3), new Instant(0));
        runner.Finish();
        Assert.Equal(["3", "3:2", "3:2:1"], runner.Output.Items);
    }

    /// <summary>StatefulParDoEvaluatorFactoryTest.testRequiresTimeSortedInputWithLateData: the watermark at 1 makes 3@0 late: "2", "2:1".</summary>
    [Fact]
    public void StatefulConcatWithLateData()
    {
        var runner = TimeSortedConcat.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("", 1), new Instant(2));
        runner.PushInput(KV.Of("", 2), new Instant(1));
        runner.AdvanceWatermark(new Instant(1));
        runner.PushInput(KV.Of("", 3), new Instant(0));
        runner.Finish();
        Assert.Equal(["2", "2:1"], runner.Output.Items);
        Assert.Equal(1, runner.DroppedLateElements);
    }

    /// <summary>StatefulParDoEvaluatorFactoryTest.testRequiresTimeSortedInputWithLateDataAndAllowedLateness: 2 ms of lateness keeps 3@0: "3", "3:2", "3:2:1".</summary>
    [Fact]
    public void StatefulConcatWithLateDataAndAllowedLateness()
    {
        var runner = TimeSortedConcatWithLateness.CreateRunner(new ListSink<string>());
        runner.PushInput(KV.Of("", 1), new Instant(2));
        runner.PushInput(KV.Of("", 2), new Instant(1));
        runner.AdvanceWatermark(new Instant(1));
        runner.PushInput(KV.Of("", 3), new Instant(0));
        runner.Finish();
        Assert.Equal(["3", "3:2", "3:2:1"], runner.Output.Items);
        Assert.Equal(0, runner.DroppedLateElements);
    }

    /// <summary>
    /// StatefulDoFnRunnerTest.testOutputOrdered (fixed 10 ms windows, 1 ms of lateness, a running sum): 1@5 and 2@4 with
    /// the watermark moved to 7 give 2@4 then 3@5; 1@15, 2@14, 3@13 with the watermark at 17 give 3@13, 5@14, 6@15, each
    /// output at its element's timestamp.
    /// </summary>
    [Fact]
    public void OutputOrdered()
    {
        var outputs = new List<WindowedValue<int>>();
        var runner = TimeSortedRunningSums.CreateRunner(new CallbackSink<int>((WindowedValue<int> e) => outputs.Add(e)));
        runner.AdvanceWatermark(new Instant(1));
        runner.PushInput(KV.Of("k", 1), new Instant(5));
        runner.PushInput(KV.Of("k", 2), new Instant(4));
        Assert.Empty(outputs);
        runner.AdvanceWatermark(new Instant(7));
        Assert.Equal(["2@4", "3@5"], outputs.Select(e => e.Value + "@" + e.Timestamp.Millis));
        runner.PushInput(KV.Of("k", 1), new Instant(15));
        runner.PushInput(KV.Of("k", 2), new Instant(14));
        runner.PushInput(KV.Of("k", 3), new Instant(13));
        runner.AdvanceWatermark(new Instant(17));
        Assert.Equal(["2@4", "3@5", "3@13", "5@14", "6@15"], outputs.Select(e => e.Value + "@" + e.Timestamp.Millis));
        runner.Finish();
        Assert.Equal(5, outputs.Count);
    }

    /// <summary>StatefulDoFnRunnerTest.testDataDroppedBasedOnInputWatermarkWhenOrdered: an element at 0 is taken at watermark 1, and dropped (counted) once the watermark is 2, though its window is still open.</summary>
    [Fact]
    public void DataDroppedBasedOnInputWatermarkWhenOrdered()
    {
        var runner = TimeSortedRunningSums.CreateRunner(new ListSink<int>());
        runner.AdvanceWatermark(new Instant(1));
        runner.PushInput(KV.Of("k", 1), new Instant(0));
        Assert.Equal(0, runner.DroppedLateElements);
        runner.AdvanceWatermark(new Instant(2));
        runner.PushInput(KV.Of("k", 1), new Instant(0));
        Assert.Equal(1, runner.DroppedLateElements);
        runner.Finish();
        Assert.Equal([1], runner.Output.Items);
    }

    /// <summary>
    /// On the streaming parallel runner, each key's elements, pushed out of order by one to three partitions at once, are
    /// sorted on the key's shard: every key's outputs are the single runner's (distinct timestamps, so no tie decides).
    /// </summary>
    [Fact]
    public void SortedOnTheKeysShards() =>
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int).Sample((parallelism, partitions, seed) =>
        {
            var random = new Random(seed);
            var times = Enumerable.Range(0, 200).Select(i => (long)i * 3).OrderBy(_ => random.Next()).ToArray();
            var elements = times.Select((t, i) => (Element: KV.Of("k" + (i % 5), i), Time: t)).ToArray();
            var single = TimeSortedConcat.CreateRunner(new ListSink<string>());
            foreach (var (element, time) in elements)
            {
                single.PushInput(element, new Instant(time));
            }

            single.Finish();
            using var parallel = TimeSortedConcat.CreateParallelRunner(static () => new ListSink<string>(),
                new Compiled.Parallel.ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions, BatchSize = 4 });
            Compiled.Tests.Parallel.TestThreads.Run(TimeSpan.FromSeconds(30), Enumerable.Range(0, partitions).Select(k => (Action)(() =>
            {
                var partition = parallel.Partition(k);
                for (var i = k; i < elements.Length; i += partitions)
                {
                    partition.PushInput(elements[i].Element, new Instant(elements[i].Time));
                }

                partition.Finish();
            })).ToArray());
            parallel.Finish();
            Assert.Equal(single.Output.Items.Order(StringComparer.Ordinal), parallel.OutputSinks().SelectMany(s => s.Items).Order(StringComparer.Ordinal));
        }, iter: 30);

    /// <summary>The plan says where the elements wait and when they run.</summary>
    [Fact]
    public void ThePlanSaysWhereElementsWait() =>
        Assert.Contains("requiresTimeSortedInput: elements wait in a heap by timestamp until the watermark passes their timestamp plus the allowed lateness", TimeSortedConcat.PlanDescription, StringComparison.Ordinal);

    /// <summary>
    /// A checkpoint taken while elements wait to be sorted, restored into a new runner, gives the uninterrupted run's
    /// outputs: the waiting elements, their order and the watermark are in it.
    /// </summary>
    [Fact]
    public void CheckpointKeepsTheElementsWaitingToBeSorted()
    {
        static void First(TimeSortedRunningSums.Runner<CallbackSink<int>> runner)
        {
            runner.AdvanceWatermark(new Instant(1));
            runner.PushInput(KV.Of("k", 1), new Instant(5));
            runner.PushInput(KV.Of("k", 2), new Instant(4));
            runner.PushInput(KV.Of("j", 7), new Instant(4));
            runner.PushInput(KV.Of("j", 8), new Instant(4));
        }

        static void Second(TimeSortedRunningSums.Runner<CallbackSink<int>> runner)
        {
            runner.AdvanceWatermark(new Instant(7));
            runner.PushInput(KV.Of("k", 3), new Instant(5)); // late: 5 + 1 < 7
            runner.PushInput(KV.Of("k", 1), new Instant(15));
            runner.PushInput(KV.Of("k", 2), new Instant(14));
            runner.Finish();
        }

        var whole = new List<string>();
        var uninterrupted = TimeSortedRunningSums.CreateRunner(new CallbackSink<int>((WindowedValue<int> e) => whole.Add(e.ToString())));
        First(uninterrupted);
        Second(uninterrupted);

        var restoredOut = new List<string>();
        var before = TimeSortedRunningSums.CreateRunner(new CallbackSink<int>((WindowedValue<int> e) => restoredOut.Add(e.ToString())));
        First(before);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        before.WriteCheckpoint(buffer);
        var after = TimeSortedRunningSums.CreateRunner(new CallbackSink<int>((WindowedValue<int> e) => restoredOut.Add(e.ToString())));
        after.RestoreCheckpoint(buffer.WrittenSpan);
        Second(after);

        Assert.Equal(6, whole.Count);
        Assert.Equal(whole, restoredOut);
        Assert.Equal(1, after.DroppedLateElements);
    }
}
