using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Compiled.Generator.Tests.Infrastructure;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// Random pipelines, built from the transforms the streaming parallel runner supports (element-wise maps and filters,
/// Flatten, fixed, sliding, session and global windows, default, early-firing and count triggers, allowed lateness,
/// CountPerKey, CombinePerKey, GroupByKey, CombineGlobally, a second grouping after the first), are generated, compiled
/// with the generator and run: the streaming parallel runner, at parallelism 1 to 4 and with random batch sizes, gives
/// the single-threaded runner's panes (values, timestamps, windows, PaneInfo) for random data and random watermark
/// schedules that never overtake data not yet pushed; and the parallel batch runner's Run, at the same parallelism,
/// gives the single-threaded Run's.
/// </summary>
public class RandomPipelineTests
{
    /// <summary>One random pipeline: the code of its <c>Define</c>, its output type, and whether its panes are fixed by the data alone (no count triggers).</summary>
    public sealed record Shape(string Define, string OutputType, bool OrderFree)
    {
        public override string ToString() => Define;
    }

    private static readonly string[] Prefixes =
    {
        string.Empty,
        ".Map(static e => e with { Value = (e.Value * 7 + 3) % 50 })",
        ".Filter(static e => e.Value % 5 != 0)",
        ".Map(static e => e with { Key = e.Key + e.Value % 2 }).Filter(static e => e.Key % 4 != 3)",
    };

    private static readonly (string Code, bool CountTriggered)[] Windowings =
    {
        ("Windows.Fixed(TimeSpan.FromSeconds(10))", false),
        ("Windows.Sliding(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10))", false),
        ("Windows.Sessions(TimeSpan.FromSeconds(5))", false),
        ("Windows.Fixed(TimeSpan.FromSeconds(10)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(2))).WithAllowedLateness(TimeSpan.FromSeconds(5)).Accumulating()", true),
        ("Windows.Sessions(TimeSpan.FromSeconds(5)).Triggering(Trigger.AfterWatermark().WithEarlyFirings(Trigger.AfterCount(3))).WithAllowedLateness(TimeSpan.Zero).Discarding()", true),
        ("Windows.Fixed(TimeSpan.FromSeconds(20)).WithAllowedLateness(TimeSpan.FromSeconds(10))", false),
        ("Windows.Global().Triggering(Trigger.Repeatedly(Trigger.AfterCount(3))).Discarding()", true),
    };

    /// <summary>The first grouping: its code after the keyed map, and its output type (null: the pipeline ends there with a string).</summary>
    private static readonly (string Code, string Type, bool Keyed)[] Groupings =
    {
        (".CountPerKey()", "KV<int, long>", true),
        (".CombinePerKey(Combiners.Sum<int>())", "KV<int, int>", true),
        (".GroupByKey().Map(static kv => KV.Of(kv.Key, (long)kv.Value.Sum()))", "KV<int, long>", true),
        (".Values().CombineGlobally(Combiners.Sum<int>(), withoutDefaults: true)", "int", false),
    };

    private static readonly Gen<Shape> Shapes =
        Gen.Select(Gen.Int[0, Prefixes.Length - 1], Gen.Bool, Gen.Int[0, Windowings.Length - 1], Gen.Int[0, 2], Gen.Int[0, Groupings.Length - 1], Gen.Bool)
           .Select(parts => MakeShape(parts.Item1, parts.Item2, parts.Item3, parts.Item4, parts.Item5, parts.Item6));

    private static Shape MakeShape(int prefix, bool flatten, int windowing, int keys, int grouping, bool second)
    {
        var code = new StringBuilder();
        code.AppendLine("        var input = p.Create<Ev>(\"events\").WithTimestamps(static e => new Instant(e.Time))" + Prefixes[prefix] + ";");
        if (flatten)
        {
            code.AppendLine("        var evens = input.Filter(static e => e.Key % 2 == 0);");
            code.AppendLine("        var shifted = input.Map(static e => e with { Key = e.Key + 1, Value = e.Value + 1 });");
            code.AppendLine("        var events = p.Flatten(evens, shifted);");
        }
        else
        {
            code.AppendLine("        var events = input;");
        }

        var modulus = new[] { 3, 7, 50 }[keys];
        var (window, countTriggered) = Windowings[windowing];
        var (group, type, keyed) = Groupings[grouping];
        code.Append("        var grouped = events.Window(" + window + ").Map(static e => KV.Of(e.Key % " + modulus + ", e.Value))" + group);
        // A second grouping gets the first one's results from every shard of it, in an order that depends on the threads:
        // a count trigger there fires on different elements from run to run (as in Beam and Flink), so only shapes whose
        // panes the data alone fixes get a second level.
        if (second && keyed && !countTriggered)
        {
            // A second level: re-keyed partial results grouped again (a continuation trigger after a triggered first level).
            code.AppendLine(";");
            code.Append("        grouped.Map(static kv => KV.Of(kv.Key % 2, (long)kv.Value)).CombinePerKey(Combiners.Sum<long>())");
            type = "KV<int, long>";
        }
        else
        {
            code.AppendLine(";");
            code.Append("        grouped");
        }

        code.AppendLine(".Output(\"out\");");
        return new Shape(code.ToString(), type, !countTriggered);
    }

    private static string Source(Shape shape) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using Compiled;
        using Compiled.Parallel;

        namespace Random;

        public readonly record struct Ev(int Key, int Value, long Time);

        [Pipeline]
        public partial class P
        {
            static void Define(PipelineBuilder p)
            {
        {{shape.Define}}
            }
        }

        public static class Host
        {
            /// <summary>Runs both runners on the same calls; returns null when their panes are equal, else both lists.</summary>
            public static string? Check(int[] keys, int[] values, long[] times, int seed, int parallelism, int batchSize, int partitions)
            {
                var events = new Ev[keys.Length];
                for (var i = 0; i < events.Length; i++)
                {
                    events[i] = new Ev(keys[i], values[i], times[i]);
                }

                var single = P.CreateRunner(new ListSink<{{shape.OutputType}}>());
                using var parallel = P.CreateParallelRunner(() => new ListSink<{{shape.OutputType}}>(),
                    new ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions, BatchSize = batchSize, Capacity = 2 });

                // Single-threaded: every element, the watermark now and then moved up to (never past) the earliest time still to come.
                Drive(events, seed, single.PushEvents, single.PushEvents, single.AdvanceWatermark);
                single.Finish();

                // Parallel: each partition its share (every partitions-th element), driven the same way with its own watermark.
                var threads = new System.Threading.Thread[partitions];
                Exception? failure = null;
                for (var k = 0; k < partitions; k++)
                {
                    var partition = parallel.Partition(k);
                    var share = events.Where((_, i) => i % partitions == k).ToArray();
                    threads[k] = new System.Threading.Thread(() =>
                    {
                        try
                        {
                            Drive(share, seed, partition.PushEvents, partition.PushEvents, partition.AdvanceWatermark);
                        }
                        catch (Exception error)
                        {
                            failure = error;
                        }
                    });
                    threads[k].Start();
                }

                foreach (var thread in threads)
                {
                    if (!thread.Join(TimeSpan.FromSeconds(60)))
                    {
                        return "a partition did not finish pushing within 60 s";
                    }
                }

                if (failure is not null)
                {
                    return failure.ToString();
                }

                parallel.Finish();
                var expected = single.Out.Elements.Select(Line).OrderBy(s => s, StringComparer.Ordinal).ToList();
                var actual = parallel.OutSinks().SelectMany(s => s.Elements).Select(Line).OrderBy(s => s, StringComparer.Ordinal).ToList();
                if (single.DroppedLateElements != 0 || parallel.DroppedLateElements != 0)
                {
                    return "late elements: " + single.DroppedLateElements + " single, " + parallel.DroppedLateElements + " parallel";
                }

                if (!expected.SequenceEqual(actual))
                {
                    return "expected:\n  " + string.Join("\n  ", expected) + "\nactual:\n  " + string.Join("\n  ", actual);
                }

                // The batch runners over the same events: Run on one thread, and Run on the parallel batch runner's shards.
                var batchExpected = P.Run(events).OutElements.Select(Line).OrderBy(s => s, StringComparer.Ordinal).ToList();
                var batchActual = P.Run(events, parallelism).OutElements.Select(Line).OrderBy(s => s, StringComparer.Ordinal).ToList();
                return batchExpected.SequenceEqual(batchActual) ? null : "batch Run, expected:\n  " + string.Join("\n  ", batchExpected) + "\nactual:\n  " + string.Join("\n  ", batchActual);
            }

            /// <summary>
            /// A pane as a line. Whether an on-time pane is also the last depends on whether one watermark step passed both
            /// its window's end and the end plus the allowed lateness (Beam's ReduceFnRunner): a shard's input watermark, the
            /// minimum over its senders' markers, may take fewer, larger steps than the single runner's, so that flag of
            /// on-time panes is left out.
            /// </summary>
            private static string Line<T>(WindowedValue<T> pane) =>
                System.Text.RegularExpressions.Regex.Replace(pane.ToString(), @"Pane\(OnTime, index (\d+)(, first)?, last\)", "Pane(OnTime, index $1$2)");

            private delegate void PushSpan(ReadOnlySpan<Ev> events);

            private static void Drive(Ev[] events, int seed, Action<Ev> push, PushSpan pushSpan, Action<Instant> advance)
            {
                var random = new System.Random(seed);
                var earliestToCome = new long[events.Length + 1];
                earliestToCome[events.Length] = long.MaxValue;
                for (var i = events.Length - 1; i >= 0; i--)
                {
                    earliestToCome[i] = Math.Min(earliestToCome[i + 1], events[i].Time);
                }

                var watermark = long.MinValue;
                var at = 0;
                while (at < events.Length)
                {
                    if (random.Next(3) == 0 && earliestToCome[at] != long.MaxValue)
                    {
                        var candidate = earliestToCome[at] - 1 - random.Next(0, 3_000);
                        if (candidate > watermark)
                        {
                            watermark = candidate;
                            advance(new Instant(watermark));
                        }
                    }

                    if (random.Next(4) == 0)
                    {
                        var length = Math.Min(events.Length - at, random.Next(1, 6));
                        pushSpan(events.AsSpan(at, length));
                        at += length;
                    }
                    else
                    {
                        push(events[at++]);
                    }
                }
            }
        }
        """;

    private static readonly Gen<(int[] Keys, int[] Values, long[] Times, int Seed, int Parallelism, int BatchSize)> Data =
        Gen.Int[0, 200].SelectMany(n => Gen.Select(
            Gen.Int[0, 20].Array[n], Gen.Int[0, 40].Array[n], Gen.Long[0, 90_000].Array[n], Gen.Int, Gen.Int[1, 4], Gen.Int[1, 16]));

    [Fact(DisplayName = "Random pipelines x random data x parallelism 1-4 x watermark schedules: the parallel runners' panes (streaming and batch) are the single-threaded runner's")]
    public void RandomPipelinesMatchTheSingleThreadedRunner() => Shapes.Sample(shape =>
    {
        var run = GeneratorHarness.Run(Source(shape));
        Assert.Empty(run.Exceptions);
        Assert.Empty(run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()));
        var compilation = run.Output.WithOptions(run.Output.Options.WithOptimizationLevel(OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + shape.Define);

        var context = new AssemblyLoadContext("random pipeline", isCollectible: true);
        try
        {
            stream.Position = 0;
            var check = context.LoadFromStream(stream).GetType("Random.Host")!.GetMethod("Check")!;
            Data.Sample(data =>
            {
                // Several partitions only where the panes do not depend on the order of arrival (no count triggers).
                var partitions = shape.OrderFree ? 1 + (data.Seed & 1) : 1;
                var difference = (string?)check.Invoke(null, new object[] { data.Keys, data.Values, data.Times, data.Seed, data.Parallelism, data.BatchSize, partitions });
                Assert.True(difference is null, shape.Define + "\nparallelism " + data.Parallelism + ", batch " + data.BatchSize + ", partitions " + partitions + "\n" + difference);
            }, iter: 12);
        }
        finally
        {
            context.Unload();
        }
    }, iter: 24, threads: 1);
}
