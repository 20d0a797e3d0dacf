using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Compiled.Analyzers.Coders;
using Compiled.Analyzers.Tests.Infrastructure;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Compiled.Analyzers.Tests.Coders;

/// <summary>
/// The analyzers (CMP2001, CMP2002, CMP2003) and the coder generator judge keys by one rule: a key type the analyzers
/// report gets no deterministic coder (the parallel runner sends all its keys to one key group), and a key type they
/// accept is hashed from its coder's bytes. Each case runs both, for real, on the same source.
/// </summary>
public sealed class CoderRuleAgreementTests
{
    private const string Types = """
        public enum Tier { Free, Paid }
        public sealed record Cell(int X, string Y, Tier Tier, DateTime At);
        public readonly record struct Price(decimal Amount, string Currency, Guid Id);
        public sealed record Location(double Lat, double Lon);
        public sealed class Customer { public string Id { get; set; } = ""; }
        public sealed class Account : IEquatable<Account>
        {
            public string Id { get; set; } = "";
            public bool Equals(Account? other) => other is not null && other.Id == Id;
            public override bool Equals(object? obj) => Equals(obj as Account);
            public override int GetHashCode() => Id.GetHashCode();
        }
        [Compiled.Coders.Coder(typeof(MoneyCoder), Deterministic = true)]
        public readonly record struct Money(long Cents, string Currency);
        public readonly struct MoneyCoder : Compiled.Coders.ICoder<Money>
        {
            public uint FormatVersion => 1;
            public void Encode(ref Compiled.Coders.CoderWriter writer, Money value) { writer.WriteInt64(value.Cents); writer.WriteString(value.Currency); }
            public Money Decode(ref Compiled.Coders.CoderReader reader) => new(reader.ReadInt64(), reader.ReadString()!);
        }
        [Compiled.Coders.Coder(typeof(LooseCoder))]
        public readonly record struct Loose(string Name);
        public readonly struct LooseCoder : Compiled.Coders.ICoder<Loose>
        {
            public uint FormatVersion => 1;
            public void Encode(ref Compiled.Coders.CoderWriter writer, Loose value) => writer.WriteString(value.Name);
            public Loose Decode(ref Compiled.Coders.CoderReader reader) => new(reader.ReadString()!);
        }
        public sealed record Handler(string Name, Func<int, int> Apply);
        public interface IShape { int Sides { get; } }
        public sealed record Upload(string Name, System.IO.Stream Body);

        """;

    [Theory]
    [InlineData("string", true)]
    [InlineData("int", true)]
    [InlineData("Guid", true)]
    [InlineData("DateTimeOffset", true)]
    [InlineData("decimal", true)]
    [InlineData("int?", true)]
    [InlineData("Tier", true)]
    [InlineData("(string, int)", true)]
    [InlineData("KV<string, long>", true)]
    [InlineData("Cell", true)]
    [InlineData("Price", true)]
    [InlineData("Money", true)]
    [InlineData("double", false)]
    [InlineData("(int, float)", false)]
    [InlineData("Location", false)]
    [InlineData("Customer", false)]
    [InlineData("Account", false)]
    [InlineData("Loose", false)]
    [InlineData("int[]", false)]
    [InlineData("List<int>", false)]
    [InlineData("HashSet<string>", false)]
    [InlineData("Dictionary<string, int>", false)]
    [InlineData("object", false)]
    [InlineData("Handler", false)]
    [InlineData("IShape", false)]
    [InlineData("Upload", false)]
    public async Task TheAnalyzersReportAKeyExactlyWhenTheGeneratorGivesItNoDeterministicCoder(string keyType, bool deterministic)
    {
        var source = TestReferences.Usings + Types + """
            [Pipeline]
            public partial class Keys
            {
                static void Define(PipelineBuilder p) =>
                    p.Create<KV<
            """ + keyType + """
            , int>>("pairs").CountPerKey().Output("counts");
            }
            """;
        var compilation = CSharpCompilation.Create(
            "Agreement",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            TestReferences.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        // The analyzers' verdict.
        var analyzers = ImmutableArray.Create<DiagnosticAnalyzer>(new FloatingPointKeyAnalyzer(), new NonDeterministicKeyAnalyzer(), new MissingCoderAnalyzer());
        var reported = (await compilation.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync())
            .Where(d => d.Id is "CMP2001" or "CMP2002" or "CMP2003")
            .ToList();

        // The generator's: the parallel runner hashes the key with its coder, or sends every key to one key group.
        var driver = CSharpGeneratorDriver.Create(new PipelineGenerator()).RunGenerators(compilation);
        var pipeline = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith(".Pipeline.g.cs", System.StringComparison.Ordinal)).ToString();
        Assert.Contains("__ShardOf", pipeline, System.StringComparison.Ordinal);
        var hashedByCoder = pipeline.Contains("global::Compiled.Coders.Coder.Hash<", System.StringComparison.Ordinal);
        var oneKeyGroup = pipeline.Contains("no deterministic coder: one key group", System.StringComparison.Ordinal);

        Assert.True(hashedByCoder != oneKeyGroup, "the key is hashed one way: " + keyType);
        Assert.Equal(deterministic, hashedByCoder);
        Assert.True(
            reported.Count == 0 == deterministic,
            keyType + ": analyzers reported [" + string.Join("; ", reported.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture))) + "], generator " + (hashedByCoder ? "hashes by coder" : "uses one key group"));
    }
}
