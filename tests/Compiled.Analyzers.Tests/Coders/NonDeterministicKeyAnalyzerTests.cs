using System.Threading.Tasks;
using Compiled.Analyzers.Diagnostics;
using Xunit;
using Verify = Compiled.Analyzers.Tests.Infrastructure.AnalyzerVerifier<Compiled.Analyzers.Coders.NonDeterministicKeyAnalyzer>;

namespace Compiled.Analyzers.Tests.Coders;

/// <summary>CMP2002: keys without deterministic equality, with the offending member path.</summary>
public sealed class NonDeterministicKeyAnalyzerTests
{
    private const string Types = """
        public sealed record Location(double Lat, double Lon);
        public sealed record Site(string Name, Location Location);
        public sealed class Customer { public string Id = ""; }
        public sealed class Account : IEquatable<Account>
        {
            public string Id = "";
            public bool Equals(Account? other) => other is not null && other.Id == Id;
            public override bool Equals(object? obj) => Equals(obj as Account);
            public override int GetHashCode() => Id.GetHashCode();
        }
        [Compiled.Coders.Coder(typeof(VouchedAccountCoder), Deterministic = true)]
        public sealed class VouchedAccount : IEquatable<VouchedAccount>
        {
            public string Id = "";
            public bool Equals(VouchedAccount? other) => other is not null && other.Id == Id;
            public override bool Equals(object? obj) => Equals(obj as VouchedAccount);
            public override int GetHashCode() => Id.GetHashCode();
        }
        public readonly struct VouchedAccountCoder : Compiled.Coders.ICoder<VouchedAccount>
        {
            public uint FormatVersion => 1;
            public void Encode(ref Compiled.Coders.CoderWriter writer, VouchedAccount value) => writer.WriteString(value.Id);
            public VouchedAccount Decode(ref Compiled.Coders.CoderReader reader) => new() { Id = reader.ReadString()! };
        }
        public readonly record struct Tagged(string Name, HashSet<string> Tags);
        public readonly record struct Cell(int X, int Y);
        public struct Point { public int X; public int Y; }

        """;

    [Fact]
    public Task RecordWithADoubleDeepInside_NamesThePath() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Sites
        {
            static void Define(PipelineBuilder p) =>
                p.Create<KV<Site, int>>("visits").{|#0:CountPerKey|}().Output("counts");
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(0)
            .WithArguments("CountPerKey", "Site", "Key.Location.Lat", "is a floating-point 'double'"));

    [Fact]
    public Task UnorderedCollectionsObjectsAndReferenceClasses_AreReported() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Keys
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<Dictionary<string, int>, int>>("a").{|#0:GroupByKey|}().Output("a");
                p.Create<Tagged>("b").{|#1:Distinct|}().Output("b");
                p.Create<KV<object, int>>("c").{|#2:CountPerKey|}().Output("c");
                p.Create<KV<Customer, int>>("d").{|#3:CombinePerKey|}(Combiners.Sum<int>()).Output("d");
                p.Create<KV<(int Id, List<int> Items), int>>("e").{|#4:GroupByKey|}().Output("e");
                p.Create<int[]>("f").{|#5:CountPerElement|}().Output("f");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(0)
            .WithArguments("GroupByKey", "Dictionary<string, int>", "Key", "is 'Dictionary<string, int>', an unordered collection that compares by reference"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(1)
            .WithArguments("Distinct", "Tagged", "Element.Tags", "is 'HashSet<string>', an unordered collection that compares by reference"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(2)
            .WithArguments("CountPerKey", "object", "Key", "is 'object', which has no fixed equality or encoding"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(3)
            .WithArguments("CombinePerKey", "Customer", "Key", "is the class 'Customer', which does not override Equals and so compares by reference"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(4)
            .WithArguments("GroupByKey", "(int Id, List<int> Items)", "Key.Items", "is the class 'List<int>', which does not override Equals and so compares by reference"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(5)
            .WithArguments("CountPerElement", "int[]", "Element", "is an array 'int[]', which compares by reference"));

    [Fact]
    public Task ValueEqualityKeys_AreNotReported() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Good
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<Cell, int>>("a").GroupByKey().Output("a");
                p.Create<Point>("b").Distinct().Output("b");
                p.Create<KV<VouchedAccount, int>>("c").CountPerKey().Output("c");
                p.Create<KV<(string, DateTime, Guid), int>>("d").CountPerKey().Output("d");
                p.Create<KV<string, Dictionary<string, int>>>("e").GroupByKey().Output("e");
                p.Create<DayOfWeek>("f").CountPerElement().Output("f");
            }
        }
        """);

    [Fact]
    public Task TextMemoryIsAKeyWholeButNotInsideAComposite() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Memories
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<ReadOnlyMemory<char>, int>>("a").CountPerKey().Output("a");
                p.Create<ReadOnlyMemory<byte>>("b").Distinct().Output("b");
                p.Create<KV<(ReadOnlyMemory<char> Word, int Line), int>>("c").{|#0:CountPerKey|}().Output("c");
                p.Create<KV<ReadOnlyMemory<byte>, int>>("d").{|#1:CountPerElement|}().Output("d");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(0)
            .WithArguments("CountPerKey", "(ReadOnlyMemory<char> Word, int Line)", "Key.Word", "is 'ReadOnlyMemory<char>', which .NET compares by reference (by array and range) inside a composite key; only a whole key of this type is compared by content: use a string here"),
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(1)
            .WithArguments("CountPerElement", "KV<ReadOnlyMemory<byte>, int>", "Element.Key", "is 'ReadOnlyMemory<byte>', which .NET compares by reference (by array and range) inside a composite key; only a whole key of this type is compared by content: use a string here"));

    [Fact]
    public Task KeyWithAUserWrittenEquals_IsReportedUnlessItNamesADeterministicCoder() => Verify.VerifyAsync(Types + """
        [Pipeline]
        public partial class Accounts
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<KV<Account, int>>("a").{|#0:CountPerKey|}().Output("a");
                p.Create<KV<VouchedAccount, int>>("b").CountPerKey().Output("b");
            }
        }
        """,
        Verify.Diagnostic(DiagnosticDescriptors.NonDeterministicKey).WithLocation(0)
            .WithArguments("CountPerKey", "Account", "Key", "is 'Account', whose own Equals a generated coder cannot follow (name a coder that writes what it compares: [Coder(typeof(...), Deterministic = true)])"));

    [Fact]
    public Task DirectFloatingPointKeys_AreLeftToCmp2001() => Verify.VerifyAsync("""
        [Pipeline]
        public partial class Floats
        {
            static void Define(PipelineBuilder p)
            {
                p.Create<double>("a").CountPerElement().Output("a");
                p.Create<KV<(int, double?), int>>("b").GroupByKey().Output("b");
            }
        }
        """);
}
