using System.Linq;
using Compiled;
using Xunit;

namespace Compiled.Tests.State;

public class StateSmokeTests
{
    [Fact]
    public void DedupPassesTheFirstElementOfAKeyAndForgetsItAfterItsTimer()
    {
        var runner = StatefulDedup.CreateRunner(new ListSink<string>());
        runner.PushEvents(KV.Of("a", 1), new Instant(0));
        runner.PushEvents(KV.Of("a", 2), new Instant(10));
        runner.PushEvents(KV.Of("b", 3), new Instant(20));
        Assert.Equal(new[] { "a", "b" }, runner.Unique.Items);
        runner.AdvanceWatermark(new Instant(3_600_001)); // a's timer (at 3,600,000) fires: a is forgotten
        runner.PushEvents(KV.Of("a", 4), new Instant(3_600_001));
        runner.PushEvents(KV.Of("b", 5), new Instant(3_600_001));
        Assert.Equal(new[] { "a", "b", "a" }, runner.Unique.Items);
        runner.Finish();
    }
}
