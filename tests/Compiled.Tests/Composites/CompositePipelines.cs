using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using Compiled.Parallel;
using Xunit;

namespace Compiled.Tests.Composites;

/// <summary>A play of a game: who, in which team, how many points, when (milliseconds of event time).</summary>
public readonly record struct Play(string User, string Team, int Points, long TimeMs);

/// <summary>Reusable transforms over plays, in another class than the pipelines that use them.</summary>
public static class PlayTransforms
{
    /// <summary>The window every report uses, read by the generator as a constant.</summary>
    public static readonly TimeSpan ReportWindow = TimeSpan.FromMinutes(1);

    /// <summary>The plays with a valid user and a positive score, time-stamped, and the invalid ones.</summary>
    public static (PCollection<Play> Valid, PCollection<Play> Invalid) Validate(PCollection<Play> plays)
    {
        var (valid, invalid) = plays
            .WithTimestamps(static play => new Instant(play.TimeMs))
            .Partition(2, static (play, n) => IsValid(play) ? 0 : 1);
        return (valid, invalid);
    }

    /// <summary>Points per key in fixed windows of <paramref name="minutes"/> minutes.</summary>
    public static PCollection<KV<string, int>> SumPerWindow(PCollection<KV<string, int>> points, int minutes) =>
        points.Window(Windows.Fixed(TimeSpan.FromMinutes(minutes)))
              .CombinePerKey(Combiners.Sum<int>());

    /// <summary>Points per team, per report window.</summary>
    public static PCollection<KV<string, int>> TeamScores(this PCollection<Play> plays) =>
        SumPerWindow(plays.Map(static play => KV.Of(play.Team, play.Points)), 1);

    internal static bool IsValid(Play play) => play.User.Length > 0 && play.Points > 0;
}

/// <summary>Team and user scores written with composites (one of them used twice) and a static readonly window.</summary>
[Pipeline]
public partial class CompositeScores
{
    static void Define(PipelineBuilder p)
    {
        var (valid, invalid) = PlayTransforms.Validate(p.Create<Play>("plays"));
        valid.TeamScores().Output("teams");
        PlayTransforms.SumPerWindow(valid.Map(static play => KV.Of(play.User, play.Points)), 2).Output("users");
        invalid.Window(Windows.Fixed(PlayTransforms.ReportWindow)).Count().Output("invalidPerWindow");
    }
}

/// <summary>The same pipeline with every composite written out by hand.</summary>
[Pipeline]
public partial class InlinedScores
{
    static void Define(PipelineBuilder p)
    {
        var (valid, invalid) = p.Create<Play>("plays")
            .WithTimestamps(static play => new Instant(play.TimeMs))
            .Partition(2, static (play, n) => play.User.Length > 0 && play.Points > 0 ? 0 : 1);
        valid.Map(static play => KV.Of(play.Team, play.Points))
             .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
             .CombinePerKey(Combiners.Sum<int>())
             .Output("teams");
        valid.Map(static play => KV.Of(play.User, play.Points))
             .Window(Windows.Fixed(TimeSpan.FromMinutes(2)))
             .CombinePerKey(Combiners.Sum<int>())
             .Output("users");
        invalid.Window(Windows.Fixed(TimeSpan.FromMinutes(1))).Count().Output("invalidPerWindow");
    }
}

/// <summary>Options of <see cref="OptionScores"/>, given when the runner is created.</summary>
public sealed record ScoreOptions
{
    /// <summary>The smallest number of points a play counts with.</summary>
    public int MinPoints { get; init; }

    /// <summary>Put before every team name in the results.</summary>
    public string Prefix { get; init; } = string.Empty;
}

/// <summary>A threshold and a prefix read from pipeline options, one of them through a composite.</summary>
[Pipeline]
public partial class OptionScores
{
    static void Define(PipelineBuilder p, ScoreOptions options) =>
        AtLeast(p.Create<Play>("plays"), options)
            .Map(play => KV.Of(options.Prefix + play.Team, play.Points))
            .CombinePerKey(Combiners.Sum<int>())
            .Output("teams");

    static PCollection<Play> AtLeast(PCollection<Play> plays, ScoreOptions limits) =>
        plays.Filter(play => play.Points >= limits.MinPoints);
}

/// <summary>The options pipeline with the values written in, for MinPoints 3 and Prefix "team-".</summary>
[Pipeline]
public partial class FixedScores
{
    static void Define(PipelineBuilder p) =>
        p.Create<Play>("plays")
         .Filter(static play => play.Points >= 3)
         .Map(static play => KV.Of("team-" + play.Team, play.Points))
         .CombinePerKey(Combiners.Sum<int>())
         .Output("teams");
}

/// <summary>Window sizes of <see cref="OptionWindows"/>, read when the runner is created.</summary>
public sealed record WindowOptions(TimeSpan Window, int GapSeconds);

/// <summary>A fixed window size and a session gap from the pipeline options.</summary>
[Pipeline]
public partial class OptionWindows
{
    static void Define(PipelineBuilder p, WindowOptions o)
    {
        var plays = p.Create<Play>("plays").WithTimestamps(static play => new Instant(play.TimeMs));
        plays.Window(Windows.Fixed(o.Window)).Map(static play => KV.Of(play.Team, play.Points)).CombinePerKey(Combiners.Sum<int>()).Output("teams");
        plays.Window(Windows.Sessions(TimeSpan.FromSeconds(o.GapSeconds))).Map(static play => KV.Of(play.User, 1L)).CombinePerKey(Combiners.Sum<long>()).Output("sessions");
    }
}

/// <summary>The same with a 2 minute window and a 30 s gap written in.</summary>
[Pipeline]
public partial class FixedWindowSizes
{
    static void Define(PipelineBuilder p)
    {
        var plays = p.Create<Play>("plays").WithTimestamps(static play => new Instant(play.TimeMs));
        plays.Window(Windows.Fixed(TimeSpan.FromMinutes(2))).Map(static play => KV.Of(play.Team, play.Points)).CombinePerKey(Combiners.Sum<int>()).Output("teams");
        plays.Window(Windows.Sessions(TimeSpan.FromSeconds(30))).Map(static play => KV.Of(play.User, 1L)).CombinePerKey(Combiners.Sum<long>()).Output("sessions");
    }
}

public class CompositePipelineTests
{
    private static Play[] Plays(int count, int seed)
    {
        var random = new Random(seed);
        var users = new[] { "ann", "bob", "cy", string.Empty };
        var teams = new[] { "red", "blue", "green" };
        return Enumerable.Range(0, count)
            .Select(i => new Play(users[random.Next(users.Length)], teams[random.Next(teams.Length)], random.Next(-2, 10), random.Next(0, 600_000)))
            .ToArray();
    }

    private static List<string> Show<T>(IEnumerable<WindowedValue<T>> elements) =>
        elements.Select(e => e.Window + " " + e.Value).OrderBy(s => s, StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CompositesGiveTheHandInlinedResults(int seed)
    {
        var plays = Plays(2_000, seed);
        var composite = CompositeScores.Run(plays);
        var inlined = InlinedScores.Run(plays);

        Assert.NotEmpty(composite.Teams);
        Assert.Equal(Show(inlined.TeamsElements), Show(composite.TeamsElements));
        Assert.Equal(Show(inlined.UsersElements), Show(composite.UsersElements));
        Assert.Equal(Show(inlined.InvalidPerWindowElements), Show(composite.InvalidPerWindowElements));

        var parallel = CompositeScores.Run(plays.AsMemory(), parallelism: 3);
        Assert.Equal(Show(inlined.TeamsElements), Show(parallel.TeamsElements));
    }

    [Fact]
    public void ThePlanNamesTheComposites()
    {
        Assert.Contains("Validate/Partition (line", CompositeScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("TeamScores/SumPerWindow/CombinePerKey (line", CompositeScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("SumPerWindow2/Window", CompositeScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("subgraph", CompositeScores.PlanMermaid, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void OptionsGiveTheResultsOfTheValuesWrittenIn(int seed)
    {
        var plays = Plays(1_000, seed);
        var options = new ScoreOptions { MinPoints = 3, Prefix = "team-" };
        var expected = FixedScores.Run(plays).Teams.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();

        Assert.Equal(expected, OptionScores.Run(options, plays).Teams.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal(expected, OptionScores.Run(options, plays.AsMemory(), parallelism: 2).Teams.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        var runner = OptionScores.CreateRunner(options, new ListSink<KV<string, int>>());
        runner.PushPlays(plays);
        runner.Finish();
        Assert.Equal(expected, runner.Teams.Items.OrderBy(kv => kv.Key, StringComparer.Ordinal));

        using var parallelRunner = OptionScores.CreateParallelRunner(options, () => new ListSink<KV<string, int>>(), new ParallelRunnerOptions { Parallelism = 2 });
        parallelRunner.PushPlays(plays);
        parallelRunner.Finish();
        Assert.Equal(expected, parallelRunner.TeamsSinks().SelectMany(s => s.Items).OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void EachRunnerReadsItsOwnOptions()
    {
        var plays = new[] { new Play("ann", "red", 2, 0), new Play("bob", "red", 5, 0) };
        var low = OptionScores.Run(new ScoreOptions { MinPoints = 1, Prefix = "a:" }, plays);
        var high = OptionScores.Run(new ScoreOptions { MinPoints = 4, Prefix = "b:" }, plays);

        Assert.Equal(new[] { KV.Of("a:red", 7) }, low.Teams);
        Assert.Equal(new[] { KV.Of("b:red", 5) }, high.Teams);
        Assert.Throws<ArgumentNullException>(() => OptionScores.CreateRunner(null!, new ListSink<KV<string, int>>()));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void WindowSizesFromOptionsGiveTheResultsOfTheSizesWrittenIn(int seed)
    {
        var plays = Plays(1_500, seed);
        var options = new WindowOptions(TimeSpan.FromMinutes(2), 30);
        var expected = FixedWindowSizes.Run(plays);
        var actual = OptionWindows.Run(options, plays);

        Assert.NotEmpty(actual.Teams);
        Assert.Equal(Show(expected.TeamsElements), Show(actual.TeamsElements));
        Assert.Equal(Show(expected.SessionsElements), Show(actual.SessionsElements));
        Assert.Equal(Show(expected.TeamsElements), Show(OptionWindows.Run(options, plays.AsMemory(), parallelism: 2).TeamsElements));
        Assert.Contains("fixed o.Window (an option)", OptionWindows.PlanDescription, StringComparison.Ordinal);
    }

    [Fact]
    public void AWindowSizeThatIsNotWholeMillisecondsIsRefusedWhenTheRunnerIsCreated()
    {
        var error = Assert.Throws<ArgumentException>(() => OptionWindows.CreateRunner(new WindowOptions(TimeSpan.FromTicks(15), 30), new ListSink<KV<string, int>>(), new ListSink<KV<string, long>>()));
        Assert.Contains("o.Window", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OptionWindows.Run(new WindowOptions(TimeSpan.FromMinutes(1), 0), Array.Empty<Play>()));
    }

    [Fact]
    public void ThePlanNamesTheOptionsEachTransformReads()
    {
        Assert.Contains("Pipeline options: Compiled.Tests.Composites.ScoreOptions", OptionScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("AtLeast/Filter (line", OptionScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("): MinPoints", OptionScores.PlanDescription, StringComparison.Ordinal);
        Assert.Contains("): Prefix", OptionScores.PlanDescription, StringComparison.Ordinal);
    }
}
