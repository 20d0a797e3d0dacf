using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Compiled;

namespace Compiled.FirstCall;

/// <summary>One event: an int key, an int value, an event time in epoch milliseconds (the W4 benchmark's shape).</summary>
public readonly record struct Event(int Key, int Value, long Time);

/// <summary>The W4 workload: the sum of value per key in sliding 60 s windows every 10 s.</summary>
[Pipeline]
public partial class SlidingSums
{
    static void Define(PipelineBuilder p) =>
        p.Create<Event>("events")
         .Window(Windows.Sliding(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10)))
         .Map(static e => KV.Of(e.Key, (long)e.Value))
         .CombinePerKey(Combiners.Sum<long>())
         .Output("sums");
}

/// <summary>Digests the output: count and a checksum of the sums, so every call's result can be compared.</summary>
public struct DigestSink : ISink<KV<int, long>>
{
    public long Count;
    public long Checksum;

    public void Receive(in WindowedValue<KV<int, long>> element)
    {
        Count++;
        Checksum += element.Value.Value * 31 + element.Value.Key + element.Window.Start.Millis % 1_000_003;
    }
}

/// <summary>
/// How long the first call of a sliding-window pipeline takes against warm calls, in one process: the first call
/// pays for compiling the generated code (tier 0, then on-stack replacement and tier 1, unless ReadyToRun or
/// NativeAOT compiled it before). Run it under the settings to compare (README, "First-call latency"):
/// <c>dotnet run -c Release --project bench/Compiled.FirstCall -- [events] [calls] [bundles|elements]</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000_000;
        var calls = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        var bundles = args.Length <= 2 || args[2] == "bundles";
        var events = Generate(count);
        var timestamped = events.Select(e => new TimestampedValue<Event>(e, new Instant(e.Time))).ToArray();
        var times = new double[calls];
        (long Count, long Checksum) first = default;
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var digest = bundles ? RunBundles(timestamped) : Run(events);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (i == 0)
            {
                first = digest;
            }
            else if (digest != first)
            {
                Console.Error.WriteLine("call " + i + " gave a different result");
                return 1;
            }
        }

        var warm = times.Skip(1).Order().ToArray();
        var median = warm.Length == 0 ? double.NaN : warm[warm.Length / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(bundles ? "bundles of 1,000" : "element by element")}: events {count:N0}, outputs {first.Count:N0}; first call {times[0]:F0} ms, warm (median of {warm.Length}) {median:F0} ms, ratio {times[0] / median:F2}; all: {string.Join(" ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}; runtime {Environment.Version}, {Settings()}"));
        return 0;
    }

    /// <summary>The JIT settings given in the environment, and whether the code is native (NativeAOT).</summary>
    private static string Settings()
    {
        var given = new[] { "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_ReadyToRun" }
            .Where(name => Environment.GetEnvironmentVariable(name) is not null)
            .Select(name => name + "=" + Environment.GetEnvironmentVariable(name));
        var settings = string.Join(" ", given);
        var native = !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported ? "NativeAOT" : "JIT";
        return native + (settings.Length > 0 ? " " + settings : " defaults");
    }

    /// <summary>One call: a runner, every event with the watermark 2 s behind the latest timestamp, then the end of input.</summary>
    private static (long Count, long Checksum) Run(Event[] events)
    {
        var runner = SlidingSums.CreateRunner(default(DigestSink));
        var max = long.MinValue;
        foreach (var e in events)
        {
            runner.PushEvents(e, new Instant(e.Time));
            if (e.Time > max)
            {
                max = e.Time;
            }

            runner.AdvanceWatermark(new Instant(max - 2_000));
        }

        runner.Finish();
        return (runner.Sums.Count, runner.Sums.Checksum);
    }

    /// <summary>
    /// One call through the generated loop: bundles of 1,000 timestamped events (the loop over a bundle is generated
    /// code, compiled at tier 0 and replaced on stack), the watermark advanced after each.
    /// </summary>
    private static (long Count, long Checksum) RunBundles(TimestampedValue<Event>[] events)
    {
        var runner = SlidingSums.CreateRunner(default(DigestSink));
        var max = long.MinValue;
        for (var start = 0; start < events.Length; start += 1_000)
        {
            var bundle = events.AsSpan(start, Math.Min(1_000, events.Length - start));
            runner.PushEvents(bundle);
            foreach (var e in bundle)
            {
                max = Math.Max(max, e.Timestamp.Millis);
            }

            runner.AdvanceWatermark(new Instant(max - 2_000));
        }

        runner.Finish();
        return (runner.Sums.Count, runner.Sums.Checksum);
    }

    /// <summary>The W3-W5 event stream: one event per millisecond, keys Zipf(1.0) over 10,000, timestamps moved back by up to 2 s.</summary>
    private static Event[] Generate(int count)
    {
        const int keys = 10_000;
        var random = new Random(20261124);
        var cumulative = new double[keys];
        var total = 0.0;
        for (var k = 0; k < keys; k++)
        {
            total += 1.0 / (k + 1);
            cumulative[k] = total;
        }

        var events = new Event[count];
        for (var i = 0; i < count; i++)
        {
            var key = Array.BinarySearch(cumulative, random.NextDouble() * total);
            events[i] = new Event(key < 0 ? ~key : key, random.Next(1_000), 1_700_000_000_000 + i - random.Next(2_000));
        }

        return events;
    }
}
