using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace Compiled.Analyzers.Tests.Diagnostics;

/// <summary>
/// One mistake, one diagnostic: the windowing mistakes the generator leaves to the analyzers (it reports no CMP0005 there)
/// are reported by them, once, whatever form the durations take.
/// </summary>
public sealed partial class DocsExamplesTests
{
    private const string WindowedPrelude = """
        using System;
        using Compiled;

        public readonly record struct Ev(string Team, int Score, long TimeMs);

        [Pipeline]
        public partial class Windowed
        {
            static void Define(PipelineBuilder p)
            {
                var a = p.Create<Ev>("a").WithTimestamps(static e => new Instant(e.TimeMs));
                var b = p.Create<Ev>("b").WithTimestamps(static e => new Instant(e.TimeMs));

        """;

    [Theory]
    [InlineData("p.Flatten(a.Window(Windows.Fixed(TimeSpan.FromMinutes(1))), b.Window(Windows.Fixed(TimeSpan.FromSeconds(30)))).Count(withoutDefaults: true).Output(\"o\");", "CMP1008")]
    [InlineData("p.Flatten(a.Window(Windows.Sessions(TimeSpan.FromSeconds(10))), b.Window(Windows.Sessions(new TimeSpan(seconds: 5, minutes: 0, hours: 0)))).Count(withoutDefaults: true).Output(\"o\");", "CMP1008")]
    [InlineData("a.Window(Windows.Sessions(TimeSpan.FromSeconds(10))).Map(static e => KV.Of(e.Team, e.Score)).CoGroupByKey(b.Window(Windows.Sessions(TimeSpan.FromSeconds(5))).Map(static e => KV.Of(e.Team, e.Score))).Output(\"o\");", "CMP1008")]
    [InlineData("p.Flatten(a.Window(Windows.Sliding(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5))), b).Count(withoutDefaults: true).Output(\"o\");", "CMP1008")]
    [InlineData("var view = a.Window(Windows.Sessions(TimeSpan.FromSeconds(10))).AsList(); b.Map(view, static (e, all) => all.Count).Output(\"o\");", "CMP1010")]
    public async Task WindowingMistakesLeftToTheAnalyzersAreReportedOnce(string statements, string id)
    {
        var all = await AllDiagnosticsAsync(WindowedPrelude + "        " + statements + "\n    }\n}\n", "public static class Calls { }\n");
        var message = string.Join("\n", all.Select(d => d.ToString()));
        Assert.True(all.Length == 1 && all[0].Id == id, message);
    }
}
