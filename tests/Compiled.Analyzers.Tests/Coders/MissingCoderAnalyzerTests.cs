using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Coders.MissingCoderAnalyzer>;

namespace Compiled.Analyzers.Tests.Coders;

/// <summary>CMP2003: keys and values crossing a shuffle that have no coder, with the offending member path.</summary>
public sealed class MissingCoderAnalyzerTests
{
    private const string Types = """
        public interface IShape { double Area { get; } }
        public abstract class Animal { public string Name = ""; }
        public sealed record Handler(string Name, Func<int, int> Apply);
        public sealed record Order(string Id, Handler Handler);
        public sealed record Upload(string Name, System.IO.Stream Body);
        public sealed class Opaque : IEquatable<Opaque>
        {
            private int _secret;
            private string _other = "";
            public bool Equals(Opaque? other) => other is not null && other._secret == _secret && other._other == _other;
            public override bool Equals(object? obj) => Equals(obj as Opaque);
            public override int GetHashCode() => _secret;
        }
        public readonly record struct Cell(int X, int Y);
        public sealed record Reading(string Sensor, double Value, DateTimeOffset At, Instant Seen, DayOfWeek Day, decimal? Cost);
        public sealed record Batch(Guid Id, List<Reading> Readings, IReadOnlyList<Cell> Cells, int[] Counts, Dictionary<string, TimeSpan> Times);
        public struct Point { public int X; public int Y; }
        public sealed class Customer
        {
            private readonly string _id;
            public Customer(string id) { _id = id; }
            public string Id => _id;
        }
        public sealed class Profile { public string Name { get; set; } = ""; public List<string> Tags { get; init; } = new(); }

        """;

    [Fact]
    public Task NestedRecordWithADelegate_NamesThePath() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Orders
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<string, Order>>("orders").{|#0:GroupByKey|}().Output("grouped");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(0)
            .WithArguments("GroupByKey", "value", "Order", "Value.Handler.Apply", "is the delegate 'Func<int, int>', which is code, not data"));

    [Fact]
    public Task UnencodableKeysValuesAndElements_AreReported() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Bad
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<string, IShape>>("a").{|#0:GroupByKey|}().Output("a");
                p.Create<KV<int, Upload>>("b").{|#1:GroupByKey|}().Output("b");
                p.Create<KV<Opaque, int>>("c").{|#2:CountPerKey|}().Output("c");
                p.Create<KV<string, (int Id, Animal Pet)>>("d").{|#3:CombinePerKey|}(Combiners.Count<(int Id, Animal Pet)>()).Output("d");
                p.Create<KV<string, System.Threading.Tasks.Task<int>[]>>("e").{|#4:GroupByKey|}().Output("e");
                p.Create<KV<string, int>>("f").{|#5:CoGroupByKey|}(p.Create<KV<string, System.Threading.CancellationToken>>("g")).Output("f");
                p.Create<KV<string, nint>>("h").{|#6:GroupByKey|}().Output("h");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(0)
            .WithArguments("GroupByKey", "value", "IShape", "Value", "is the interface 'IShape', so no concrete type is known at build time"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(1)
            .WithArguments("GroupByKey", "value", "Upload", "Value.Body", "is the stream 'Stream', a live resource rather than data"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(2)
            .WithArguments("CountPerKey", "key", "Opaque", "Key", "is the class 'Opaque', whose state is only private fields that no public member or constructor sets, so it cannot be encoded field by field"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(3)
            .WithArguments("CombinePerKey", "value", "(int Id, Animal Pet)", "Value.Pet", "is the abstract class 'Animal', so no concrete type is known at build time"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(4)
            .WithArguments("GroupByKey", "value", "Task<int>[]", "Value[]", "is the task 'Task<int>', a running computation rather than data"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(5)
            .WithArguments("CoGroupByKey", "value", "CancellationToken", "Value2", "is the cancellation 'CancellationToken', which belongs to one process"),
        Verify.Diagnostic(DiagnosticDescriptors.MissingCoder).WithLocation(6)
            .WithArguments("GroupByKey", "value", "nint", "Value", "is the native handle 'nint', which means nothing in another process"));

    [Fact]
    public Task PlainData_IsNotReported() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Good
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<Cell, Batch>>("a").GroupByKey().Output("a");
                p.Create<KV<string, Reading>>("b").GroupByKey().Output("b");
                p.Create<Point>("c").Distinct().Output("c");
                p.Create<KV<string, (double, DateTime?, Guid)>>("d").GroupByKey().Output("d");
                p.Create<KV<string, KV<long, string[]>>>("e").GroupByKey().GroupByKey().Output("e");
                p.Create<KV<string, Customer>>("f").GroupByKey().Output("f");
                p.Create<KV<string, Profile>>("g").GroupByKey().Output("g");
                p.Create<KV<string, IShape>>("h").CountPerKey().Output("h");
            }
        }
        """);

    [Fact]
    public Task KeysReportedForDeterminism_AreNotReportedAgain() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Keys
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<object, int>>("a").CountPerKey().Output("a");
                p.Create<Func<int>>("b").Distinct().Output("b");
                p.Create<double>("c").CountPerElement().Output("c");
            }
        }
        """);
}
