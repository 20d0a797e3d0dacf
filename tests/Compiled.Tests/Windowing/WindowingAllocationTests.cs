using System;
using Xunit;
using Xunit.Abstractions;
using static Compiled.Tests.Windowing.WindowFnTestUtils;

namespace Compiled.Tests.Windowing;

/// <summary>
/// The hot paths allocate nothing: window assignment into a caller's span or a struct consumer,
/// merging in the caller's spans or the reusable buffer, and timestamp combining — measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around a warmed-up loop.
/// </summary>
public class WindowingAllocationTests(ITestOutputHelper output)
{
    private const int Iterations = 200_000;

    private struct CountingConsumer : IWindowConsumer, IMergeConsumer
    {
        public long Sum;

        public void Accept(BoundedWindow window) => Sum += window.Start.Millis;

        public void Merge(ReadOnlySpan<BoundedWindow> toBeMerged, BoundedWindow mergeResult) => Sum += toBeMerged.Length;
    }

    private static long AssignLoop<TFn>(TFn fn, Span<BoundedWindow> destination)
        where TFn : IWindowFn
    {
        long sum = 0;
        var consumer = new CountingConsumer();
        for (int i = 0; i < Iterations; i++)
        {
            var t = new Instant((i * 7919L) - 500_000L);
            int n = fn.AssignWindows(t, destination);
            sum += n + destination[0].End.Millis;
            fn.AssignWindows(t, ref consumer);
        }

        return sum + consumer.Sum;
    }

    private long Measure(Func<long> loop, string what)
    {
        loop(); // warm-up: JIT and static initialisation
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = loop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{what}: {allocated} bytes over {Iterations:N0} iterations (checksum {checksum})");
        return allocated;
    }

    // Assignment into a caller's span (stack-allocated here) and into a struct consumer: 0 bytes.
    [Fact]
    public void Assignment_AllocatesNothing()
    {
        var buffer = new BoundedWindow[16];
        Assert.Equal(0, Measure(() => AssignLoop(new FixedWindows(60_000, 5), buffer), "fixed"));
        Assert.Equal(0, Measure(() => AssignLoop(new SlidingWindows(60_000, 10_000), buffer), "sliding"));
        Assert.Equal(0, Measure(() => AssignLoop(new Sessions(30_000), buffer), "sessions"));
        Assert.Equal(0, Measure(() => AssignLoop(new GlobalWindows(), buffer), "global"));
        Assert.Equal(0, Measure(
            () =>
            {
                Span<BoundedWindow> stack = stackalloc BoundedWindow[6];
                return AssignLoop(new SlidingWindows(60_000, 10_000), stack);
            },
            "sliding, stackalloc"));
    }

    // Merging in caller spans (small: insertion sort; large: framework sort with a cached comparison)
    // and through the reusable buffer, plus timestamp combining: 0 bytes.
    [Fact]
    public void MergingAndCombining_AllocatesNothing()
    {
        var small = new BoundedWindow[8];
        var large = new BoundedWindow[64];
        var groups = new WindowMergeGroup[64];
        var buffer = new MergingWindowBuffer(64);
        var sessions = new Sessions(10);

        long Loop()
        {
            long sum = 0;
            var consumer = new CountingConsumer();
            for (int i = 0; i < Iterations / 10; i++)
            {
                for (int k = 0; k < small.Length; k++)
                {
                    small[k] = W((k * 37 + i) % 50, ((k * 37 + i) % 50) + 6);
                }

                for (int k = 0; k < large.Length; k++)
                {
                    large[k] = W((k * 53 + i) % 400, ((k * 53 + i) % 400) + 5);
                }

                MergeOverlappingIntervalWindows.MergeWindows(small, ref consumer);
                sum += MergeOverlappingIntervalWindows.MergeWindows(large, groups);

                buffer.Clear();
                for (int k = 0; k < 20; k++)
                {
                    buffer.Add(sessions.AssignWindow(new Instant((k * 7 + i) % 60)));
                    buffer.Merge(sessions, ref consumer);
                }

                Instant hold = TimestampCombiner.Earliest.AssignOutputTime(sessions, buffer.Windows[0], new Instant(i));
                sum += TimestampCombiner.Earliest.Merge(buffer.Windows[0], hold, new Instant(i + 1)).Millis + buffer.Count;
            }

            return sum + consumer.Sum;
        }

        Assert.Equal(0, Measure(Loop, "merge + combine"));
    }
}
