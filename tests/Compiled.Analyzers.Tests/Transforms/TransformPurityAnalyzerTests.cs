using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Transforms.TransformPurityAnalyzer>;

namespace Compiled.Analyzers.Tests.Transforms;

/// <summary>CMP3001: transform functions that read the clock or randomness, write statics or mutate their input.</summary>
public sealed class TransformPurityAnalyzerTests
{
    [Fact]
    public Task ClockAndRandomness_AreReported() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Stamps
        {
            static void Define(PipelineBuilder p)
            {
                var events = p.Create<int>("events");
                events.Map(static x => KV.Of(x, {|#0:DateTime.UtcNow|})).Output("a");
                events.Filter(static x => {|#1:Random.Shared|}.Next(10) < x).Output("b");
                events.WithKeys(static x => {|#2:Guid.NewGuid()|}).Output("c");
                events.WithTimestamps(static x => new Instant({|#3:System.Diagnostics.Stopwatch.GetTimestamp()|})).Output("d");
                events.Map(static x => x + {|#4:Environment.TickCount|}).Output("e");
                events.Map(static x => {|#5:new Random(x)|}.Next()).Output("f");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(0).WithArguments(
            "Map", "reads the clock ('DateTime.UtcNow')", "derive time from the element (its timestamp) so that a retry computes the same result"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(1).WithArguments(
            "Filter", "reads a random source ('Random.Shared')", "derive the value from the element (for example a hash of its id) so that a retry computes the same result"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(2).WithArguments(
            "WithKeys", "creates a random value ('Guid.NewGuid')", "derive the value from the element (for example a hash of its id) so that a retry computes the same result"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(3).WithArguments(
            "WithTimestamps", "reads the clock ('Stopwatch.GetTimestamp')", "derive time from the element (its timestamp) so that a retry computes the same result"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(4).WithArguments(
            "Map", "reads the clock ('Environment.TickCount')", "derive time from the element (its timestamp) so that a retry computes the same result"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(5).WithArguments(
            "Map", "creates a random source ('new Random')", "derive the value from the element (for example a hash of its id) so that a retry computes the same result"));

    [Fact]
    public Task StaticWritesAndInputMutation_AreReported() => Verify.VerifyAsync("""
        public sealed class Order { public decimal Total; public List<string> Tags = new(); }
        public static class Stats { public static int Seen; public static int Last { get; set; } }

        [Pipeline]
        public partial class Orders
        {
            static void Define(PipelineBuilder p)
            {
                var orders = p.Create<Order>("orders");
                orders.Map(static o => { {|#0:Stats.Seen++|}; return o.Total; }).Output("a");
                orders.Filter(static o => { {|#1:Stats.Last = 1|}; return true; }).Output("b");
                orders.Map(static o => { {|#2:o.Total = 0|}; return o; }).Output("c");
                orders.FlatMap<string>(static (o, output) => { {|#3:o.Tags.Clear()|}; output.Emit("x"); }).Output("d");
                orders.Map(Normalize).Output("e");
            }

            static Order Normalize(Order order)
            {
                {|#4:order.Total += 1|};
                return order;
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(0).WithArguments(
            "Map", "assigns the static field 'Stats.Seen'", "return the value instead, and aggregate it with a Combine"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(1).WithArguments(
            "Filter", "assigns the static property 'Stats.Last'", "return the value instead, and aggregate it with a Combine"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(2).WithArguments(
            "Map", "mutates its input 'o' (assigns 'o.Total')", "return a changed copy (a 'with' expression or a new object) instead"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(3).WithArguments(
            "FlatMap", "mutates its input 'o' (calls 'Clear')", "return a changed copy (a 'with' expression or a new object) instead"),
        Verify.Diagnostic(DiagnosticDescriptors.ImpureTransform).WithLocation(4).WithArguments(
            "Map", "mutates its input 'order' (assigns 'order.Total')", "return a changed copy (a 'with' expression or a new object) instead"));

    [Fact]
    public Task PureFunctions_AreNotReported() => Verify.VerifyAsync("""
        public sealed record Order(decimal Total, IReadOnlyList<string> Tags);
        public struct Mutable { public int X; }

        [Pipeline]
        public partial class Pure
        {
            static void Define(PipelineBuilder p)
            {
                var orders = p.Create<Order>("orders");
                orders.Map(static o => o with { Total = 0 }).Output("a");
                orders.FlatMap<string>(static (o, output) =>
                {
                    var local = new List<string>(o.Tags);
                    local.Add("x");
                    foreach (var tag in local) output.Emit(tag);
                }).Output("b");
                orders.Map(static o => new DateTime(2020, 1, 1).AddDays((double)o.Total)).Output("c");
                p.Create<Mutable>("m").Map(static m => { m.X = 1; return m.X; }).Output("d");
                orders.Map(static o => o.Tags.Count).Output("e");
            }
        }
        """);
}
