using System.Collections.Generic;
using System.Linq;
using Compiled.Execution;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Execution;

/// <summary>
/// The timers of keyed window panes: a ring for timers queued in order of time, a heap for the others. They leave by
/// time, and timers of equal time in the order they were queued, also after a checkpoint's write and restore.
/// </summary>
public class TimerQueueTests
{
    /// <summary>Operations: queue a timer at a time (small times, so that ties are common), or take the earliest.</summary>
    private static readonly Gen<(bool Take, long Time)[]> Operations =
        Gen.Select(Gen.Int[0, 9].Select(n => n < 3), Gen.Long[0, 40]).Array[0, 400];

    private static List<(int Timer, long Time)> Drain(TimerQueue<int> queue)
    {
        var taken = new List<(int, long)>();
        while (queue.TryPeek(out var timer, out var time))
        {
            queue.Dequeue();
            taken.Add((timer, time));
        }

        return taken;
    }

    [Fact]
    public void TimersLeaveByTimeThenInTheOrderTheyCame() => Operations.Sample(operations =>
    {
        var queue = new TimerQueue<int>();
        var reference = new List<(int Timer, long Time)>(); // kept in queue order; the earliest is found by a scan
        var next = 0;
        foreach (var (take, time) in operations)
        {
            if (take && reference.Count > 0)
            {
                var earliest = reference.OrderBy(x => x.Time).First(); // OrderBy is stable: the first queued of the earliest time
                Assert.True(queue.TryPeek(out var timer, out var at));
                Assert.Equal(earliest, (timer, at));
                queue.Dequeue();
                reference.Remove(earliest);
            }
            else if (!take)
            {
                queue.Enqueue(next, time);
                reference.Add((next++, time));
            }

            Assert.Equal(reference.Count, queue.Count);
        }

        Assert.Equal(reference.OrderBy(x => x.Time).ToList(), Drain(queue));
        Assert.False(queue.TryPeek(out _, out _));
    });

    [Fact]
    public void TryDequeueDueTakesTheEarliestOnlyWhenDueAndKeepsTheEarliestTime() => Operations.Sample(operations =>
    {
        var queue = new TimerQueue<int>();
        var reference = new List<(int Timer, long Time)>();
        var next = 0;
        foreach (var (take, time) in operations)
        {
            if (take)
            {
                // Due at or before a limit around the times queued: sometimes one is, sometimes none.
                var limit = time - 10;
                var due = reference.Where(x => x.Time <= limit).OrderBy(x => x.Time).Take(1).ToList();
                Assert.Equal(due.Count == 1, queue.TryDequeueDue(limit, out var timer, out var at));
                if (due.Count == 1)
                {
                    Assert.Equal(due[0], (timer, at));
                    reference.Remove(due[0]);
                }
            }
            else
            {
                queue.Enqueue(next, time);
                reference.Add((next++, time));
            }

            Assert.Equal(reference.Count == 0 ? long.MaxValue : reference.Min(x => x.Time), queue.EarliestTime);
        }

        Assert.Equal(reference.OrderBy(x => x.Time).ToList(), Drain(queue));
        Assert.Equal(long.MaxValue, queue.EarliestTime);
    });

    [Fact]
    public void ARestoreFromTheOrderedItemsLeavesInTheSameOrder() => Operations.Sample(operations =>
    {
        var queue = new TimerQueue<int>();
        var next = 0;
        foreach (var (take, time) in operations)
        {
            if (!take)
            {
                queue.Enqueue(next++, time);
            }
            else if (queue.Count > 0)
            {
                queue.Dequeue();
            }
        }

        var restored = new TimerQueue<int>();
        restored.EnqueueRange(queue.OrderedItems());
        Assert.Equal(queue.OrderedItems(), restored.OrderedItems());
        Assert.Equal(Drain(queue), Drain(restored));
    });

    [Fact]
    public void EnqueueRangeKeepsTheGivenOrderOfEqualTimes()
    {
        var queue = new TimerQueue<int>();
        queue.Enqueue(0, 5);
        queue.EnqueueRange(new List<(int, long)> { (1, 9), (2, 3), (3, 9), (4, 3), (5, 5) });
        Assert.Equal(new[] { (2, 3L), (4, 3L), (0, 5L), (5, 5L), (1, 9L), (3, 9L) }, Drain(queue));
    }

    [Fact]
    public void TimersInOrderOfTimeStayInTheRingAndGrowIt()
    {
        var queue = new TimerQueue<int>();
        for (var i = 0; i < 1_000; i++)
        {
            queue.Enqueue(i, i / 10);
        }

        queue.Enqueue(-1, 50); // earlier than the last: the heap
        var drained = Drain(queue);
        Assert.Equal(1_001, drained.Count);
        Assert.Equal(drained.OrderBy(x => x.Time).ToList(), drained);
        Assert.Equal((-1, 50L), drained[510]); // after the ten timers at 50 queued before it
    }
}
