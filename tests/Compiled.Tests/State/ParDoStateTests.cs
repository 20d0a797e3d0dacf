using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.State;

/// <summary>
/// Beam's ParDoTest.StateTests (and the state cases of StateCoderInferenceTests and TimerCoderInferenceTests), ported:
/// each test names the Beam test and expects Beam's outputs (PAssert's containsInAnyOrder compares as multisets).
/// </summary>
public class ParDoStateTests
{
    private static void AssertInAnyOrder<T>(IEnumerable<T> expected, IEnumerable<T> actual) =>
        Assert.Equal(expected.Select(Show).Order(StringComparer.Ordinal), actual.Select(Show).Order(StringComparer.Ordinal));

    private static string Show<T>(T value) => value switch
    {
        System.Collections.IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Select(x => x?.ToString())) + "]",
        _ => value?.ToString() ?? "null",
    };

    [Fact]
    public void TestValueStateSimple()
    {
        var results = ValueStateSimple.Run(new[] { KV.Of("hello", 42), KV.Of("hello", 97), KV.Of("hello", 84) });
        AssertInAnyOrder(new[] { 0, 1, 2 }, results.Output);
    }

    [Fact]
    public void TestValueStateDedup()
    {
        var input = new List<KV<int, int>>();
        var expected = new List<int>();
        for (var key = 0; key < 50; key++)
        {
            expected.Add(1000 + key);
            for (var i = 0; i < 15; i++)
            {
                input.Add(KV.Of(key, 1000 + key));
            }
        }

        var shuffled = input.OrderBy(_ => Random.Shared.Next()).ToArray();
        AssertInAnyOrder(expected, ValueStateDedup.Run(shuffled).Output);
    }

    [Fact]
    public void TestValueStateFixedWindows()
    {
        var runner = ValueStateFixedWindows.CreateRunner(new ListSink<int>());
        runner.PushInput(KV.Of("hello", 7), new Instant(1));
        runner.PushInput(KV.Of("hello", 14), new Instant(2));
        runner.PushInput(KV.Of("hello", 21), new Instant(3));
        runner.PushInput(KV.Of("hello", 28), new Instant(11));
        runner.PushInput(KV.Of("hello", 35), new Instant(13));
        runner.Finish();
        var first = BoundedWindow.Interval(new Instant(0), new Instant(10));
        var second = BoundedWindow.Interval(new Instant(10), new Instant(20));
        AssertInAnyOrder(new[] { 0, 1, 2 }, runner.Output.Elements.Where(e => e.Window == first).Select(e => e.Value));
        AssertInAnyOrder(new[] { 0, 1 }, runner.Output.Elements.Where(e => e.Window == second).Select(e => e.Value));
        Assert.Equal(5, runner.Output.Elements.Count);
    }

    [Fact]
    public void TestValueStateSameId()
    {
        var results = ValueStateSameId.Run(new[] { KV.Of("hello", 42), KV.Of("hello", 97), KV.Of("hello", 84) });
        AssertInAnyOrder(new[] { KV.Of("sizzle", 0), KV.Of("sizzle", 1), KV.Of("sizzle", 2) }, results.Intermediate);
        AssertInAnyOrder(new[] { 13, 26, 39 }, results.Output);
    }

    [Fact]
    public void TestCoderInferenceOfList()
    {
        var results = CoderInferenceOfList.Run(new[] { KV.Of("hello", 42), KV.Of("hello", 97), KV.Of("hello", 84) });
        Assert.Equal(
            new[] { "[MyInteger { Value = 42 }]", "[MyInteger { Value = 42 }, MyInteger { Value = 97 }]", "[MyInteger { Value = 42 }, MyInteger { Value = 97 }, MyInteger { Value = 84 }]" },
            results.Output.Select(Show));
    }

    [Fact]
    public void TestBagState()
    {
        var results = BagStateTest.Run(new[] { KV.Of("hello", 97), KV.Of("hello", 42), KV.Of("hello", 84), KV.Of("hello", 12) });
        AssertInAnyOrder(new[] { new[] { 12, 42, 84, 97 } }, results.Output);
    }

    [Fact]
    public void TestBagStateCoderInference()
    {
        var results = BagStateOfReferences.Run(new[] { KV.Of("hello", 97), KV.Of("hello", 42), KV.Of("hello", 84), KV.Of("hello", 12) });
        AssertInAnyOrder(new[] { new[] { new MyInteger(12), new MyInteger(42), new MyInteger(84), new MyInteger(97) } }, results.Output);
    }

    [Fact]
    public void TestSetState()
    {
        var results = SetStateTest.Run(new[] { KV.Of("hello", 97), KV.Of("hello", 42), KV.Of("hello", 42), KV.Of("hello", 12) });
        AssertInAnyOrder(new[] { new[] { 12, 42, 97 } }, results.Output);
    }

    [Fact]
    public void TestSetStateCoderInference()
    {
        var results = SetStateOfReferences.Run(new[] { KV.Of("hello", 97), KV.Of("hello", 42), KV.Of("hello", 42), KV.Of("hello", 12) });
        AssertInAnyOrder(new[] { new[] { new MyInteger(12), new MyInteger(42), new MyInteger(97) } }, results.Output);
    }

    [Fact]
    public void TestMapState()
    {
        var results = MapStateTest.Run(new[]
        {
            KV.Of("hello", KV.Of("a", 97)), KV.Of("hello", KV.Of("b", 42)), KV.Of("hello", KV.Of("b", 42)), KV.Of("hello", KV.Of("c", 12)),
        });
        AssertInAnyOrder(new[] { KV.Of("a", 97), KV.Of("b", 42), KV.Of("c", 12) }, results.Output);
    }

    [Fact]
    public void TestMapStateCoderInference()
    {
        var results = MapStateOfReferences.Run(new[]
        {
            KV.Of("hello", KV.Of("a", 97)), KV.Of("hello", KV.Of("b", 42)), KV.Of("hello", KV.Of("b", 42)), KV.Of("hello", KV.Of("c", 12)),
        });
        AssertInAnyOrder(new[] { KV.Of("a", new MyInteger(97)), KV.Of("b", new MyInteger(42)), KV.Of("c", new MyInteger(12)) }, results.Output);
    }

    private static readonly KV<string, TimestampedValue<string>>[] OrderedInput =
    {
        KV.Of("hello", TimestampedValue<string>.At("a", 97)),
        KV.Of("hello", TimestampedValue<string>.At("b", 42)),
        KV.Of("hello", TimestampedValue<string>.At("b", 52)),
        KV.Of("hello", TimestampedValue<string>.At("c", 12)),
    };

    [Fact]
    public void TestOrderedListState()
    {
        var results = OrderedListStateTest.Run(OrderedInput);
        var only = Assert.Single(results.Output);
        Assert.Equal(new[] { TimestampedValue<string>.At("c", 12), TimestampedValue<string>.At("b", 42), TimestampedValue<string>.At("b", 52), TimestampedValue<string>.At("a", 97) }, only);
    }

    [Fact]
    public void TestOrderedListStateRangeFetch()
    {
        var results = OrderedListStateRangeFetch.Run(OrderedInput);
        AssertInAnyOrder(
            new[]
            {
                Array.Empty<TimestampedValue<string>>(),
                new[] { TimestampedValue<string>.At("c", 12) },
                new[] { TimestampedValue<string>.At("b", 42), TimestampedValue<string>.At("b", 52) },
                new[] { TimestampedValue<string>.At("b", 52), TimestampedValue<string>.At("a", 97) },
            },
            results.Output);
    }

    [Fact]
    public void TestOrderedListStateRangeDelete()
    {
        var results = OrderedListStateRangeDelete.Run(OrderedInput);
        var only = Assert.Single(results.Output);
        Assert.Equal(new[] { TimestampedValue<string>.At("b", 52), TimestampedValue<string>.At("a", 97) }, only);
    }

    [Fact]
    public void TestCombiningState()
    {
        var results = CombiningStateTest.Run(new[] { KV.Of("hello", 0.3), KV.Of("hello", 0.6), KV.Of("hello", 0.6) });
        AssertInAnyOrder(new[] { "right on" }, results.Output);
    }

    [Fact]
    public void TestCombiningStateParameterSuperclass()
    {
        var results = CombiningStateSum.Run(new[] { KV.Of(123, 4), KV.Of(123, 7), KV.Of(123, -3) });
        AssertInAnyOrder(new[] { "right on" }, results.Output);
    }

    [Fact]
    public void TestCombiningStateCoderInference()
    {
        var results = CombiningStateCustomFn.Run(new[] { KV.Of("hello", 3), KV.Of("hello", 6), KV.Of("hello", 7) });
        AssertInAnyOrder(new[] { "right on" }, results.Output);
    }

    [Fact]
    public void TestValueStateCoderInference()
    {
        var results = ValueStateOfReference.Run(new[] { KV.Of("hello", 42), KV.Of("hello", 97), KV.Of("hello", 84) });
        AssertInAnyOrder(new[] { new MyInteger(0), new MyInteger(1), new MyInteger(2) }, results.Output);
    }
}

/// <summary>Stateful ParDos written as method groups, and what a throwing callback does.</summary>
public class StatefulParDoFormsTests
{
    [Fact]
    public void MethodGroupsWorkAsCallbacks()
    {
        var results = RunningTotals.Run(new[] { KV.Of("a", 1), KV.Of("b", 10), KV.Of("a", 2) });
        Assert.Equal(new[] { KV.Of("a", 1), KV.Of("b", 10), KV.Of("a", 3), KV.Of("a:final", 3), KV.Of("b:final", 10) }, results.Output.Take(3).Concat(results.Output.Skip(3).OrderBy(kv => kv.Key)));
    }

    [Fact]
    public void AThrowingCallbackStopsThePushAtTheElementAndNamesTheParDo()
    {
        var runner = ThrowingStatefulParDo.CreateRunner(new ListSink<int>());
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushInput(new[] { KV.Of("a", 1), KV.Of("a", 2), KV.Of("a", -1), KV.Of("a", 4) }));
        Assert.Equal(2, error.ElementIndex);
        Assert.Contains("ParDo (line", error.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentOutOfRangeException>(error.InnerException);
        runner.PushInput(new[] { KV.Of("a", 4) }); // the state of the elements before it stays
        runner.Finish();
        Assert.Equal(new[] { 1, 3, 7 }, runner.Output.Items);
    }

    [Fact]
    public void AThrowAfterAStatefulParDoIsNotBlamedOnIt()
    {
        var runner = ThrowingAfterStatefulParDo.CreateRunner(new ListSink<int>());
        var error = Assert.Throws<PipelineExecutionException>(() => runner.PushInput(new[] { KV.Of("a", 5), KV.Of("a", 0) }));
        Assert.Equal(1, error.ElementIndex);
        Assert.IsType<DivideByZeroException>(error.InnerException);
        Assert.DoesNotContain("ParDo (line", error.Message, StringComparison.Ordinal); // the probe cannot replay past the state: untold, not guessed
        Assert.Equal(new[] { 20 }, runner.Output.Items);
    }
}

/// <summary>Beam's testValueStateTaggedOutput: a stateful ParDo with two outputs.</summary>
public class ParDoStateTaggedOutputTests
{
    [Fact]
    public void TestValueStateTaggedOutput()
    {
        var results = ValueStateTaggedOutput.Run(new[]
        {
            KV.Of("hello", 42), KV.Of("hello", 97), KV.Of("hello", 84), KV.Of("goodbye", 33), KV.Of("hello", 859), KV.Of("goodbye", 83945),
        });

        // There are 0 and 2 from "hello" and just 0 from "goodbye"; 1 and 3 from "hello" and just 1 from "goodbye".
        Assert.Equal(new[] { 0, 0, 2 }, results.Evens.Order());
        Assert.Equal(new[] { 1, 1, 3 }, results.Odds.Order());
    }
}

/// <summary>A timer callback that throws loses its own outputs only: the other firings run, then the call throws.</summary>
public class StatefulTimerFailureTests
{
    [Fact]
    public void AThrowingTimerCallbackIsReportedAfterTheOtherFirings()
    {
        var runner = KeyInOnTimer.CreateRunner(new ListSink<int>());
        runner.PushInput(KV.Of("1", 37), Instant.MinValue);
        runner.PushInput(KV.Of("not a number", 3), Instant.MinValue);
        runner.PushInput(KV.Of("2", 3), Instant.MinValue);
        var error = Assert.Throws<PipelineExecutionException>(() => runner.AdvanceWatermark(new Instant(2)));
        Assert.Contains("onTimer of ParDo (line", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a number", error.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { 1, 2 }, runner.Output.Items.Order());
        runner.Finish();
    }
}
