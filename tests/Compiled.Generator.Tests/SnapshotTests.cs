using System;
using System.Linq;
using Compiled.Generator.Tests.Infrastructure;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Snapshots of the code generated for representative pipelines, each also compiled together with the
/// user code: the output compilation must have no warnings and no errors.
/// </summary>
public class SnapshotTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        namespace Snapshots;

        """;

    [Fact]
    public void WordCount() => Check(nameof(WordCount), """
        [Pipeline]
        public partial class WordCount
        {
            static void Define(PipelineBuilder p)
            {
                var words = p.ReadLines("lines")
                    .FlatMap<string>(static (line, output) =>
                    {
                        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            output.Emit(word.ToLowerInvariant());
                        }
                    })
                    .Filter(static w => w.Length > 0);
                words.CountPerElement().Output("counts");
            }
        }
        """);

    [Fact]
    public void CompositeTransforms() => Check(nameof(CompositeTransforms), """
        [Pipeline]
        public partial class Composites
        {
            private static readonly TimeSpan WindowSize = TimeSpan.FromMinutes(5);

            static void Define(PipelineBuilder p)
            {
                var lines = p.Create<string>("lines");
                var (words, blanks) = Tokenize(lines, minLength: 2);
                CountWords(words).Output("counts");
                CountWords(blanks).Output("blankCounts");
                lines.Window(Windows.Fixed(WindowSize)).Count().Output("perWindow");
            }

            /// <summary>Splits lines into lower-case words of at least <paramref name="minLength"/> letters, and the blank lines.</summary>
            static (PCollection<string> Words, PCollection<string> Blanks) Tokenize(PCollection<string> lines, int minLength)
            {
                var (blank, text) = lines.Partition(2, static (line, n) => line.Trim().Length == 0 ? 0 : 1);
                var words = text
                    .FlatMap<string>(static (line, output) =>
                    {
                        foreach (var word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            output.Emit(word.ToLowerInvariant());
                        }
                    });
                return (words.Filter(static w => w.Length >= 2), blank);
            }

            static PCollection<KV<string, long>> CountWords(PCollection<string> words) => words.CountPerElement();
        }
        """, source =>
        {
            Assert.Contains("Tokenize/Partition (line", source, StringComparison.Ordinal);
            Assert.Contains("CountWords2/CountPerElement (line", source, StringComparison.Ordinal);
            Assert.Contains("subgraph c0[\\\"Tokenize\\\"]", source, StringComparison.Ordinal);
        });

    [Fact]
    public void PipelineOptions() => Check(nameof(PipelineOptions), """
        /// <summary>The options of the scoring pipeline, given when the runner is created.</summary>
        public sealed record ScoreOptions(int Threshold, string Prefix);

        [Pipeline]
        public partial class Scores
        {
            static void Define(PipelineBuilder p, ScoreOptions o)
            {
                var scores = p.Create<KV<string, int>>("scores");
                Passing(scores, o)
                    .Map(x => KV.Of(o.Prefix + x.Key, x.Value))
                    .CombinePerKey(Combiners.Sum<int>())
                    .Output("totals");
            }

            static PCollection<KV<string, int>> Passing(PCollection<KV<string, int>> scores, ScoreOptions options) =>
                scores.Filter(x => x.Value >= options.Threshold);
        }
        """, source =>
        {
            Assert.Contains("Pipeline options: Snapshots.ScoreOptions, given to CreateRunner and Run; read by:", source, StringComparison.Ordinal);
            Assert.Contains("#1 Passing/Filter (line 22): Threshold", source, StringComparison.Ordinal);
        });

    [Fact]
    public void FailureOutputs() => Check(nameof(FailureOutputs), """
        [Pipeline]
        public partial class DeadLetters
        {
            static void Define(PipelineBuilder p)
            {
                var (numbers, bad) = p.Create<string>("lines").MapWithFailures(static line => int.Parse(line));
                numbers.CombineGlobally(Combiners.Sum<int>()).Output("total");
                bad.Output("badLines");
                var (letters, unspellable) = p.Create<string>("words").FlatMapWithFailures<char>(static (w, output) =>
                {
                    foreach (var c in w)
                    {
                        output.Emit(c);
                    }
                });
                letters.Output("letters");
                unspellable.Output("unspellable");
            }
        }
        """);

    [Fact]
    public void MapFilterCombineGlobally() => Check(nameof(MapFilterCombineGlobally), """
        [Pipeline]
        public partial class MapFilterSum
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers")
                 .Map(static x => x * 3)
                 .Filter(static x => x % 2 == 0)
                 .Map(static x => (long)x)
                 .CombineGlobally(Combiners.Sum<long>())
                 .Output("sum");
        }
        """);

    [Fact]
    public void CombinePerKeyWithUserCombineFn() => Check(nameof(CombinePerKeyWithUserCombineFn), """
        [Pipeline]
        public partial class KeyedSquares
        {
            static void Define(PipelineBuilder p)
            {
                var keyed = p.Create<int>("numbers").WithKeys(static x => ((x % 7) + 7) % 7);
                keyed.CombinePerKey(new SumOfSquaresFn()).Output("sumOfSquares");
                keyed.CombinePerKey(Combiners.Max<int>()).Output("max");
            }
        }

        /// <summary>Sum of squares as a long.</summary>
        public struct SumOfSquaresFn : ICombineFn<int, long, long>
        {
            public readonly long CreateAccumulator() => 0;

            public readonly void AddInput(ref long accumulator, int input) => accumulator += (long)input * input;

            public readonly void MergeAccumulators(ref long accumulator, long other) => accumulator += other;

            public readonly long ExtractOutput(long accumulator) => accumulator;
        }
        """);

    [Fact]
    public void GroupByKeyIteratedDownstream() => Check(nameof(GroupByKeyIteratedDownstream), """
        [Pipeline]
        public partial class Grouped
        {
            static void Define(PipelineBuilder p) =>
                p.Create<int>("numbers")
                 .WithKeys(static x => x % 5)
                 .GroupByKey()
                 .Map(static kv => KV.Of(kv.Key, Join(kv.Value)))
                 .Output("joined");

            private static string Join(IReadOnlyList<int> values)
            {
                var list = new List<int>(values);
                list.Sort();
                return string.Join(",", list);
            }
        }
        """);

    [Fact]
    public void GroupByKeyCombineValuesLifted() => Check(nameof(GroupByKeyCombineValuesLifted), """
        [Pipeline]
        public partial class Lifted
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<string, int>>("scores")
                 .GroupByKey()
                 .CombineValues(Combiners.Sum<int>())
                 .Output("totals");
        }
        """, source => Assert.Contains("lifted", source, StringComparison.Ordinal));

    [Fact]
    public void CoGroupByKeyJoin() => Check(nameof(CoGroupByKeyJoin), """
        [Pipeline]
        public partial class Join
        {
            static void Define(PipelineBuilder p)
            {
                var orders = p.Create<KV<int, string>>("orders");
                var payments = p.Create<KV<int, decimal>>("payments");
                orders.CoGroupByKey(payments)
                      .Map(static kv => new JoinRow(kv.Key, kv.Value.First.Count, Total(kv.Value.Second)))
                      .Output("rows");
            }

            private static decimal Total(IReadOnlyList<decimal> payments)
            {
                decimal total = 0;
                foreach (var payment in payments)
                {
                    total += payment;
                }

                return total;
            }
        }

        /// <summary>One row of the join.</summary>
        public readonly record struct JoinRow(int Key, int Orders, decimal Paid);
        """);

    [Fact]
    public void FlattenAndPartition() => Check(nameof(FlattenAndPartition), """
        [Pipeline]
        public partial class PartitionFlatten
        {
            static void Define(PipelineBuilder p)
            {
                var numbers = p.Create<int>("numbers");
                var (low, mid, high) = numbers.Partition(3, static (x, n) => x < 0 ? 0 : x < 100 ? 1 : 2);
                low.Output("low");
                p.Flatten(mid, high).Map(static x => x + 1).Output("merged");
            }
        }
        """);

    [Fact]
    public void ParDoWithTaggedOutputs() => Check(nameof(ParDoWithTaggedOutputs), """
        [Pipeline]
        public partial class ParseRecords
        {
            static void Define(PipelineBuilder p)
            {
                var (parsed, errors) = p.ReadLines("lines")
                    .ParDo<int, string>(static (line, ok, bad) =>
                    {
                        if (int.TryParse(line, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value))
                        {
                            ok.Emit(value);
                        }
                        else
                        {
                            bad.Emit("not an integer: '" + line + "'");
                        }
                    });
                parsed.Output("parsed");
                errors.Output("deadLetters");
            }
        }
        """);

    /// <summary>A side input of a collection in fixed windows, read from sliding windows, and a windowed sum held by what waits for it.</summary>
    [Fact]
    public void WindowedSideInputs() => Check(nameof(WindowedSideInputs), """
        [Pipeline]
        public partial class WindowedSideInputs
        {
            static void Define(PipelineBuilder p)
            {
                var rates = p.Create<KV<string, double>>("rates")
                    .WithTimestamps(static x => new Instant(0))
                    .Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                    .AsDictionary();
                p.Create<KV<string, double>>("prices")
                    .WithTimestamps(static x => new Instant(0))
                    .Window(Windows.Sliding(TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1)))
                    .Map(rates, static (x, r) => KV.Of(x.Key, r.TryGetValue(x.Key, out var rate) ? x.Value * rate : 0.0))
                    .CombinePerKey(Combiners.Sum<double>())
                    .Output("converted");
            }
        }
        """);

    [Fact]
    public void SideInputs() => Check(nameof(SideInputs), """
        [Pipeline]
        public partial class SideInputs
        {
            static void Define(PipelineBuilder p)
            {
                var numbers = p.Create<int>("numbers");
                var max = numbers.CombineGlobally(Combiners.Max<int>()).AsSingleton();
                numbers.Filter(max, static (x, m) => x * 2 > m).Output("large");
                var thresholds = p.Create<int>("thresholds").AsList();
                numbers.Map(thresholds, static (x, ts) => CountBelow(x, ts)).Output("ranks");
                var names = p.Create<KV<int, string>>("names").AsDictionary();
                numbers.FlatMap(names, static (int x, IReadOnlyDictionary<int, string> d, IEmitter<string> output) =>
                {
                    if (d.TryGetValue(x, out var name))
                    {
                        output.Emit(name);
                    }
                }).Output("named");
            }

            private static int CountBelow(int x, IReadOnlyList<int> thresholds)
            {
                var count = 0;
                foreach (var t in thresholds)
                {
                    if (t < x)
                    {
                        count++;
                    }
                }

                return count;
            }
        }
        """);

    [Fact]
    public void FixedAndSlidingWindows() => Check(nameof(FixedAndSlidingWindows), """
        public readonly record struct Play(string Team, int Score, long Time);

        [Pipeline]
        public partial class FixedAndSlidingWindows
        {
            static void Define(PipelineBuilder p)
            {
                var plays = p.Create<Play>("plays").WithTimestamps(static e => new Instant(e.Time));
                plays.Window(Windows.Fixed(TimeSpan.FromMinutes(1)))
                     .Map(static e => KV.Of(e.Team, e.Score))
                     .CombinePerKey(Combiners.Sum<int>())
                     .Output("perMinute");
                plays.Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)))
                     .Count()
                     .Output("sliding");
            }
        }
        """);

    [Fact]
    public void SessionsAndTriggers() => Check(nameof(SessionsAndTriggers), """
        public readonly record struct Play(string Team, int Score, long Time);

        [Pipeline]
        public partial class SessionsAndTriggers
        {
            static void Define(PipelineBuilder p)
            {
                var plays = p.Unbounded<Play>("plays").WithTimestamps(static e => new Instant(e.Time));
                plays.Window(Windows.Sessions(TimeSpan.FromSeconds(30)))
                     .Map(static e => KV.Of(e.Team, e.Score))
                     .CountPerKey()
                     .Output("sessions");
                plays.Window(Windows.Fixed(TimeSpan.FromMinutes(20))
                         .Triggering(Trigger.AfterWatermark()
                             .WithEarlyFirings(Trigger.AfterProcessingTime(TimeSpan.FromMinutes(5)))
                             .WithLateFirings(Trigger.AfterCount(1)))
                         .WithAllowedLateness(TimeSpan.FromHours(1))
                         .Accumulating())
                     .Map(static e => KV.Of(e.Team, e.Score))
                     .CombinePerKey(Combiners.Sum<int>())
                     .Output("teamScores");
            }
        }
        """);

    [Fact]
    public void StatefulParDoWithTimers() => Check(nameof(StatefulParDoWithTimers), """
        public struct Activity
        {
            public CombiningState<int, int, int, SumFn<int>> Total;
            public BagState<int> Recent;
            public EventTimeTimer Timeout;
            public ProcessingTimeTimer Report;
        }

        [Pipeline]
        public partial class UserActivity
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<string, int>>("clicks")
                 .Window(Windows.Fixed(TimeSpan.FromMinutes(10)).WithAllowedLateness(TimeSpan.FromMinutes(1)))
                 .ParDo(
                     static (string user, int clicks, ref Activity state, ProcessContext context, IEmitter<KV<string, int>> output) =>
                     {
                         state.Total.Add(clicks);
                         state.Recent.Add(clicks);
                         state.Timeout.Offset(TimeSpan.FromMinutes(1)).SetRelative();
                         state.Report.Offset(TimeSpan.FromSeconds(30)).SetRelative();
                     },
                     onTimer: static (string user, ref Activity state, TimerContext timer, IEmitter<KV<string, int>> output) =>
                     {
                         output.Emit(KV.Of(user + (timer.TimerId == nameof(Activity.Timeout) ? ":idle" : ":report"), state.Total.Read()));
                         state.Recent.Clear();
                     },
                     onWindowExpiration: static (string user, ref Activity state, WindowExpirationContext context, IEmitter<KV<string, int>> output) =>
                         output.Emit(KV.Of(user + ":window", state.Total.Read())))
                 .CombinePerKey(Combiners.Sum<int>())
                 .Output("activity");
        }
        """);

    [Fact]
    public void KeyedUtilities() => Check(nameof(KeyedUtilities), """
        [Pipeline]
        public partial class KeyedUtilities
        {
            static void Define(PipelineBuilder p)
            {
                var pairs = p.Create<KV<string, int>>("pairs");
                pairs.Keys().Distinct().Output("distinctKeys");
                pairs.Values().Count().Output("valueCount");
                pairs.KvSwap().Filter(static kv => kv.Key > 50).Output("swapped");
            }
        }
        """);

    [Fact]
    public void MethodGroupsInNestedClass() => Check(nameof(MethodGroupsInNestedClass), """
        public static partial class Jobs
        {
            [Pipeline]
            public partial class Normalized
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<string>("words")
                     .Map(Normalize)
                     .Filter(IsLong)
                     .CountPerElement()
                     .Output("repeated");

                private static string Normalize(string word) => word.Trim().ToUpperInvariant();

                private static bool IsLong(string word) => word.Length > 3;
            }
        }
        """);

    [Fact]
    public void GeneratedCoders() => CheckCoders(nameof(GeneratedCoders), """
        public enum Tier { Free, Paid }

        /// <summary>A positional record key, a nested class, a nullable and a collection.</summary>
        public sealed record Customer(string Id, Tier Tier, Address? Home);

        public sealed class Address
        {
            public string Street { get; set; } = "";
            public int? Number { get; init; }
        }

        public struct Totals
        {
            public long Count;
            public decimal Amount;
            public List<string> Notes;
        }

        public readonly record struct Order(Customer Customer, decimal Amount, DateTimeOffset At, (int Day, string Shop) Where);

        public readonly struct TotalsFn : ICombineFn<Order, Totals, long>
        {
            public Totals CreateAccumulator() => default;
            public void AddInput(ref Totals acc, Order input) { acc.Count++; acc.Amount += input.Amount; }
            public void MergeAccumulators(ref Totals acc, Totals other) { acc.Count += other.Count; acc.Amount += other.Amount; }
            public long ExtractOutput(Totals acc) => acc.Count;
        }

        [Pipeline]
        public partial class Sales
        {
            static void Define(PipelineBuilder p)
            {
                var orders = p.Create<Order>("orders");
                orders.WithKeys(static o => o.Customer).CombinePerKey(new TotalsFn()).Output("totals");
                orders.WithKeys(static o => o.Where).GroupByKey().Output("byPlace");
            }
        }
        """);

    private static void CheckCoders(string name, string declaration)
    {
        var run = GeneratorHarness.Run(Usings + declaration);
        Assert.True(run.Exceptions.Count == 0, "generator threw: " + string.Join("\n", run.Exceptions));
        Assert.True(run.GeneratorDiagnostics.Count == 0, "generator diagnostics:\n" + string.Join("\n", run.GeneratorDiagnostics));
        var coders = run.CodersSource;
        Assert.NotNull(coders);
        VerifiedFile.Verify(coders!, "SnapshotTests." + name);
        var diagnostics = run.CompilationDiagnostics.ToList();
        Assert.True(diagnostics.Count == 0, $"the output compilation has {diagnostics.Count} warnings/errors:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));
    }

    [Fact]
    public void SqlWindowedAggregates() => Check(nameof(SqlWindowedAggregates), """"
        public sealed record Play(string Team, string Player, int Points, double Weight, string? Note, DateTimeOffset At);

        public sealed record TeamHour(string Team, long Plays, long Total, double? Heaviest, DateTimeOffset Hour);

        [Pipeline]
        public partial class HourlyTeams
        {
            static void Define(PipelineBuilder p)
            {
                p.Sql<TeamHour>("""
                    SELECT team, COUNT(*) AS plays, SUM(CAST(points AS BIGINT)) AS total,
                           MAX(CASE WHEN note IS NULL THEN NULL ELSE weight END) AS heaviest, window_start AS hour
                    FROM plays
                    WHERE points > 0
                    GROUP BY team, TUMBLE(at, INTERVAL '1' HOUR)
                    HAVING COUNT(*) > 1
                    """, p.Create<Play>("plays").AsTable("plays")).Output("hourly");
            }
        }
        """");

    [Fact]
    public void SqlJoinUnionOrderBy() => Check(nameof(SqlJoinUnionOrderBy), """"
        public sealed record Sale(int Site, long Amount, string Channel);

        public sealed record Site(long Id, string Name);

        public sealed record Line(string? Name, long Amount);

        [Pipeline]
        public partial class TopLines
        {
            static void Define(PipelineBuilder p)
            {
                var sales = p.Create<Sale>("sales");
                var sites = p.Create<Site>("sites");
                p.Sql<Line>("""
                    SELECT s.name, amount FROM sales LEFT JOIN sites s ON sales.site = s.id WHERE channel = 'web'
                    UNION ALL
                    SELECT channel AS name, amount FROM sales WHERE amount > 100
                    ORDER BY amount DESC, name LIMIT 10
                    """, sales.AsTable("sales"), sites.AsTable("sites")).Output("top");
            }
        }
        """");

    [Fact]
    public void ElementContextParameters() => Check(nameof(ElementContextParameters), """
        public readonly record struct Play(string Team, int Score, long Time);

        [Pipeline]
        public partial class ContextReaders
        {
            static void Define(PipelineBuilder p)
            {
                var plays = p.Create<Play>("plays").WithTimestamps(static e => new Instant(e.Time));
                var windowed = plays.Window(Windows.Fixed(TimeSpan.FromMinutes(1)));
                windowed.Map(static (e, c) => e.Team + "@" + c.Timestamp.Millis).Output("stamped");
                windowed.Map(static e => KV.Of(e.Team, e.Score))
                        .CombinePerKey(Combiners.Top(2, static (int score) => score))
                        .ParDo<string>(static (kv, c, main) => main.Emit(kv.Key + " " + c.Window + " " + c.Pane.Timing))
                        .Output("panes");
                plays.FlatMap<string>(Describe).Output("described");
            }

            static void Describe(Play play, ElementContext context, IEmitter<string> output) => output.Emit(play.Team + context.Pane.Index);
        }
        """, source =>
        {
            // Each function that takes the context gets the chain's timestamp and window and the runner's pane.
            Assert.Contains("__Map3(element, new global::Compiled.ElementContext(ts1, w2, _pane))", source, StringComparison.Ordinal);
            Assert.Contains("__ParDo7(v6, new global::Compiled.ElementContext(rts6, rw6, _pane), new __Emit7_0(this, rts6, rw6))", source, StringComparison.Ordinal);
            Assert.Contains("global::Snapshots.ContextReaders.Describe(element, new global::Compiled.ElementContext(ts1, window, _pane), ", source, StringComparison.Ordinal);
            Assert.Contains("global::Compiled.Combiners.Top<int, int>(2, static (int score) => score)", source, StringComparison.Ordinal);
        });

    private static void Check(string name, string declaration, Action<string>? extra = null)
    {
        var run = GeneratorHarness.Run(Usings + declaration);

        Assert.True(run.Exceptions.Count == 0, "generator threw: " + string.Join("\n", run.Exceptions));
        Assert.True(run.GeneratorDiagnostics.Count == 0, "generator diagnostics:\n" + string.Join("\n", run.GeneratorDiagnostics));
        var source = run.SingleSource;

        VerifiedFile.Verify(source, "SnapshotTests." + name);

        var diagnostics = run.CompilationDiagnostics.ToList();
        Assert.True(
            diagnostics.Count == 0,
            $"the output compilation has {diagnostics.Count} warnings/errors:\n" + string.Join("\n", diagnostics.Select(d => d.ToString())));
        extra?.Invoke(source);
    }
}
