using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.Faults;

/// <summary>Bad records to a dead-letter output (Beam's exceptionsInto / WithFailures): one bad record never stops a job.</summary>
[Pipeline]
public partial class DeadLetters
{
    static void Define(PipelineBuilder p)
    {
        var (numbers, unparsable) = p.Create<string>("lines").MapWithFailures(static line => int.Parse(line, CultureInfo.InvariantCulture));
        numbers.CombineGlobally(Combiners.Sum<int>()).Output("total");
        unparsable.Map(static f => f.Element + " -> " + f.ExceptionType).Output("badLines");

        var words = p.Create<string>("words");
        var (kept, unfit) = words.FilterWithFailures(static w => 10 / (w.Length - 3) > 1);
        kept.Output("kept");
        unfit.Output("unfit");

        var (letters, unspellable) = words.FlatMapWithFailures<char>(static (w, output) =>
        {
            foreach (var c in w)
            {
                if (c == '!')
                {
                    throw new InvalidDataException("no '!' in a word");
                }

                output.Emit(c);
            }
        });
        letters.Output("letters");
        unspellable.Map(static f => f.Transform + ": " + f.Element + ": " + f.Message).Output("unspellable");
    }
}

/// <summary>A windowed stream with a failure output: a failure keeps the element's timestamp and window.</summary>
[Pipeline]
public partial class WindowedDeadLetters
{
    static void Define(PipelineBuilder p)
    {
        var (values, bad) = p.Create<string>("lines")
            .Window(Windows.Fixed(TimeSpan.FromMilliseconds(10)))
            .MapWithFailures(static s => KV.Of(s.Substring(0, 1), int.Parse(s.AsSpan(1), CultureInfo.InvariantCulture)));
        values.CombinePerKey(Combiners.Sum<int>()).Output("sums");
        bad.Output("bad");
    }
}

public class FailureOutputTests
{
    [Fact]
    public void BadLinesGoToTheirOutputAndTheJobGoesOn()
    {
        var r = DeadLetters.Run(new[] { "1", "two", "3", "", "40" }, Array.Empty<string>());
        Assert.Equal(new[] { 44 }, r.Total);
        Assert.Equal(new[] { "two -> FormatException", " -> FormatException" }, r.BadLines);
    }

    [Fact]
    public void AFilterThatThrowsSendsTheElementToItsFailures()
    {
        var r = DeadLetters.Run(Array.Empty<string>(), new[] { "abcd", "abc", "ab" });
        Assert.Equal(new[] { "abcd" }, r.Kept);
        var failure = Assert.Single(r.Unfit);
        Assert.Equal("abc", failure.Element);
        Assert.IsType<DivideByZeroException>(failure.Exception);
        Assert.StartsWith("FilterWithFailures (line ", failure.Transform, StringComparison.Ordinal);
    }

    [Fact]
    public void AFlatMapGivesAllItsOutputsOrNone()
    {
        var r = DeadLetters.Run(Array.Empty<string>(), new[] { "ab", "c!d", "ef" });
        Assert.Equal("abef".ToCharArray(), r.Letters);
        var failure = Assert.Single(r.Unspellable);
        Assert.StartsWith("FlatMapWithFailures (line ", failure, StringComparison.Ordinal);
        Assert.EndsWith(": c!d: no '!' in a word", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailureKeepsItsTimestampAndWindow()
    {
        var sums = new ListSink<KV<string, int>>();
        var bad = new ListSink<Failure<string>>();
        var runner = WindowedDeadLetters.CreateRunner(sums, bad);
        runner.PushLines("a1", new Instant(1));
        runner.PushLines("a?", new Instant(12));
        runner.PushLines("a2", new Instant(13));
        runner.Finish();
        Assert.Equal(new[] { KV.Of("a", 1), KV.Of("a", 2) }, sums.Items);
        var failure = Assert.Single(bad.Elements);
        Assert.Equal("a?", failure.Value.Element);
        Assert.Equal(new Instant(12), failure.Timestamp);
        Assert.Equal(BoundedWindow.Interval(new Instant(10), new Instant(20)), failure.Window);
        Assert.Equal(PaneInfo.NoFiring, failure.Pane);
    }

    [Fact]
    public void ThePlanNamesTheFailurePort()
    {
        Assert.Contains("-> [failures] #", DeadLetters.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("MapWithFailures (line ", DeadLetters.PlanDescription, StringComparison.Ordinal);
    }
}
