// This file is compiled into two assemblies: the generator (Compiled.Generator), which writes coders from what it
// finds, and the analyzers (Compiled.Analyzers), which report what it refuses (CMP2001, CMP2002, CMP2003). One rule,
// so that a type the analyzers accept always gets a coder and a type they report never does.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Compiled.Shared;

/// <summary>Which of the analyzers' rules a problem belongs to.</summary>
internal enum CoderProblemKind
{
    /// <summary>No coder can be had for the part (CMP2003).</summary>
    NoCoder,

    /// <summary>A key's part without a deterministic encoding (CMP2002).</summary>
    NotDeterministic,

    /// <summary>A key that is, or holds through KV, tuples, Nullable or arrays, a float or double (CMP2001).</summary>
    FloatingPoint,

    /// <summary>A part that cannot be judged at build time (a type parameter, a type in error): no coder, and nothing to report.</summary>
    NotJudged,
}

/// <summary>Why a type has no coder, or no deterministic one: the member path of the part and the reason.</summary>
internal sealed class CoderProblem
{
    public CoderProblem(CoderProblemKind kind, string path, string reason)
    {
        Kind = kind;
        Path = path;
        Reason = reason;
    }

    public CoderProblemKind Kind { get; }

    /// <summary>The member path from the root ("Key.Location.Lat", "Value[]").</summary>
    public string Path { get; }

    /// <summary>The reason, to follow the path in a message ("is the delegate 'Func&lt;int&gt;', which is code, not data").</summary>
    public string Reason { get; }
}

/// <summary>One member of a type whose coder is generated field by field.</summary>
internal sealed class CoderMember
{
    public CoderMember(string name, string type, string coder, int constructorPosition)
    {
        Name = name;
        Type = type;
        Coder = coder;
        ConstructorPosition = constructorPosition;
    }

    /// <summary>The member's name, as C# writes it.</summary>
    public string Name { get; }

    /// <summary>Its type, fully qualified, without nullable annotations.</summary>
    public string Type { get; }

    /// <summary>The coder of its type, fully qualified.</summary>
    public string Coder { get; }

    /// <summary>Its position among the constructor's arguments, or -1 when it is set by an object initializer.</summary>
    public int ConstructorPosition { get; }
}

/// <summary>A type whose coder is generated: how to read its members and how to build it again.</summary>
internal sealed class GeneratedCoderShape
{
    public GeneratedCoderShape(string type, string coderName, bool isReferenceType, string display)
    {
        Type = type;
        CoderName = coderName;
        IsReferenceType = isReferenceType;
        Display = display;
    }

    /// <summary>The type, fully qualified.</summary>
    public string Type { get; }

    /// <summary>The generated coder's simple name.</summary>
    public string CoderName { get; }

    /// <summary>True for a class or record class: a presence marker comes first, so that null round-trips.</summary>
    public bool IsReferenceType { get; }

    /// <summary>The type as a person reads it ("Order").</summary>
    public string Display { get; }

    /// <summary>True when the type is visible only inside some class (private or protected, or nested in such a type).</summary>
    public bool IsPrivate { get; set; }

    /// <summary>The members, in the order they are written (base types first, then declaration order).</summary>
    public List<CoderMember> Members { get; } = new();

    /// <summary>The number of constructor arguments.</summary>
    public int ConstructorArity { get; set; }

    /// <summary>The user coders it uses, whose own format versions are mixed into its version when it runs.</summary>
    public List<string> UserCoders { get; } = new();

    /// <summary>The generated types its members use directly.</summary>
    public List<GeneratedCoderShape> Dependencies { get; } = new();

    /// <summary>Its own part of the schema: the type, and each member's name, type and coder, in order.</summary>
    public string Schema { get; set; } = string.Empty;
}

/// <summary>The outcome for one type: its coder (or why it has none), and, for a key, whether its encoding is deterministic.</summary>
internal sealed class CoderVerdict
{
    public CoderVerdict(string? coder, CoderProblem? problem, List<GeneratedCoderShape> generated)
    {
        Coder = coder;
        Problem = problem;
        Generated = generated;
    }

    /// <summary>The coder type, fully qualified, or null when the type has none.</summary>
    public string? Coder { get; }

    /// <summary>The first problem found: no coder at all, or (for a key) a coder that is not deterministic.</summary>
    public CoderProblem? Problem { get; }

    /// <summary>True when the type has a coder (whatever <see cref="Problem"/> says about determinism).</summary>
    public bool HasCoder => Coder is not null;

    /// <summary>True when the type has a coder whose canonical bytes are equal for equal values: it may be a key.</summary>
    public bool IsDeterministic => Coder is not null && Problem is null;

    /// <summary>The types whose coders must be generated for this one (itself included), each once.</summary>
    public List<GeneratedCoderShape> Generated { get; }
}

/// <summary>
/// The rule for "this type has a coder" and "this key's encoding is deterministic", shared by the coder generator and
/// the analyzers.
/// </summary>
/// <remarks>
/// <para><b>Coders.</b> Built in: <c>bool</c>, the integral types, <c>char</c>, <c>float</c>, <c>double</c>,
/// <c>Half</c>, <c>decimal</c>, <c>Int128</c>/<c>UInt128</c>, <c>string</c>, <c>Guid</c>, <c>DateTime</c>,
/// <c>DateTimeOffset</c>, <c>TimeSpan</c>, <c>DateOnly</c>, <c>TimeOnly</c>, <c>Instant</c>, enums,
/// <c>ReadOnlyMemory&lt;char&gt;</c> and <c>ReadOnlyMemory&lt;byte&gt;</c> (by content), windows, panes, the Min/Max, Mean and Top accumulators; and, when their parts have
/// coders, <c>Nullable</c>, <c>KV</c>, <c>KeyValuePair</c>, value tuples of 2 to 7 items, single-dimension arrays,
/// <c>List</c> and the list interfaces, <c>HashSet</c>, <c>Dictionary</c> and the dictionary interfaces. A type with
/// <c>[Coder(typeof(C))]</c> uses <c>C</c>. Generated: records, structs and classes, from their public fields and
/// properties, built again through a public constructor whose parameters name members and initializers for the other
/// settable members. Everything else has none: delegates, pointers, ref structs, object, dynamic, interfaces,
/// abstract classes, streams, tasks, threads, cancellation tokens, native handles, private state that cannot be
/// restored, and the collections above not listed.</para>
/// <para><b>Deterministic keys</b> (Beam's <c>Coder.verifyDeterministic</c>): equal keys must give equal canonical
/// bytes. Not so for floating-point numbers (as in Beam), unordered collections, arrays, lists and classes compared
/// by reference, <c>object</c>/<c>dynamic</c>, and types with a user-written <c>Equals</c> (the generated coder
/// cannot know what it compares), unless they name a coder with <c>[Coder(..., Deterministic = true)]</c>.</para>
/// </remarks>
internal sealed class CoderRule
{
    private const int MaxDepth = 8;
    private const string Ns = "global::Compiled.Coders.";

    private static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    private readonly Func<string, string> _generatedCoderType;
    private readonly Dictionary<ITypeSymbol, GeneratedCoderShape> _shapes = new(SymbolEqualityComparer.Default);
    private const string Marker = "\u0001";

    private readonly Dictionary<ITypeSymbol, CoderProblem> _failed = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ITypeSymbol, CoderProblem> _failedAsKey = new(SymbolEqualityComparer.Default);
    private readonly HashSet<string> _coderNames = new(StringComparer.Ordinal);

    /// <summary>A rule whose generated coders are named by <paramref name="generatedCoderType"/> (simple name → fully qualified type).</summary>
    public CoderRule(Func<string, string> generatedCoderType) => _generatedCoderType = generatedCoderType;

    /// <summary>A rule for an analyzer, which needs the verdict but not the generated coders' names.</summary>
    public static CoderRule ForAnalysis() => new(static name => name);

    /// <summary>The fully qualified name of a type, as the coders spell it (no nullable annotations).</summary>
    public static string Name(ITypeSymbol type) => type.WithNullableAnnotation(NullableAnnotation.None).ToDisplayString(TypeFormat);

    /// <summary>Judges <paramref name="type"/>: its coder, and, when <paramref name="key"/>, whether it is deterministic.</summary>
    /// <param name="type">The type.</param>
    /// <param name="root">The path's root ("Key", "Value", "Element").</param>
    /// <param name="key">True to judge it as a grouping key.</param>
    public CoderVerdict Judge(ITypeSymbol type, string root, bool key)
    {
        var generated = new List<GeneratedCoderShape>();
        var walk = new Walk(this, key, generated);
        var (coder, problem) = walk.Visit(type, root, 0, insideMember: false);
        return new CoderVerdict(coder, problem, generated);
    }

    /// <summary>
    /// True when the key is, or holds through <c>Nullable</c>, tuples, <c>KV</c> and arrays, a <c>float</c> or
    /// <c>double</c> (CMP2001's case: a floating-point number inside a record or struct is CMP2002's).
    /// </summary>
    public static bool ContainsFloatingPoint(ITypeSymbol type) => ContainsFloatingPoint(type, 0);

    private static bool ContainsFloatingPoint(ITypeSymbol type, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        if (type.SpecialType is SpecialType.System_Single or SpecialType.System_Double)
        {
            return true;
        }

        if (type is IArrayTypeSymbol array)
        {
            return ContainsFloatingPoint(array.ElementType, depth + 1);
        }

        if (type is INamedTypeSymbol named && IsComposite(named))
        {
            foreach (var argument in named.TypeArguments)
            {
                if (ContainsFloatingPoint(argument, depth + 1))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Nullable, KV and tuples: types whose equality is their parts'.</summary>
    private static bool IsComposite(INamedTypeSymbol type) =>
        type.IsTupleType ||
        type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T ||
        IsKv(type) ||
        type.OriginalDefinition.ToDisplayString().StartsWith("System.Tuple<", StringComparison.Ordinal);

    private static bool IsKv(INamedTypeSymbol type) =>
        type.Name == "KV" && type.TypeArguments.Length == 2 && type.ContainingNamespace?.ToDisplayString() == "Compiled";

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat);

    private static string Plain(ITypeSymbol type) => Display(type.WithNullableAnnotation(NullableAnnotation.None));

    private static string Fnv(string text)
    {
        uint hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return "0x" + hash.ToString("X8", CultureInfo.InvariantCulture) + "u";
    }

    /// <summary>
    /// The format version of a generated coder, as a C# literal: a hash of its schema and of the schemas of every
    /// generated type it reaches (so that a change in a nested record changes the outer one's version too).
    /// </summary>
    public static string VersionOf(GeneratedCoderShape shape)
    {
        var text = new StringBuilder();
        var seen = new HashSet<GeneratedCoderShape>();
        var stack = new Stack<GeneratedCoderShape>();
        stack.Push(shape);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (!seen.Add(current))
            {
                text.Append("^").Append(current.Type).Append(';');
                continue;
            }

            text.Append(current.Schema);
            for (var i = current.Dependencies.Count - 1; i >= 0; i--)
            {
                stack.Push(current.Dependencies[i]);
            }
        }

        return Fnv(text.ToString());
    }

    /// <summary>One judgement: collects the generated shapes it needs.</summary>
    private sealed class Walk
    {
        private readonly CoderRule _rule;
        private readonly bool _key;
        private readonly List<GeneratedCoderShape> _generated;
        private readonly HashSet<GeneratedCoderShape> _added = new();
        private readonly Stack<GeneratedCoderShape> _building = new();
        private int _judgingOnly;

        public Walk(CoderRule rule, bool key, List<GeneratedCoderShape> generated)
        {
            _rule = rule;
            _key = key;
            _generated = generated;
        }

        private CoderProblem NoCoder(string path, string reason) => new(CoderProblemKind.NoCoder, path, reason);

        /// <summary>A determinism problem (keys only); null for a value.</summary>
        private CoderProblem? Nondeterministic(string path, string reason, bool floatingPoint = false) =>
            _key ? new CoderProblem(floatingPoint ? CoderProblemKind.FloatingPoint : CoderProblemKind.NotDeterministic, path, reason) : null;

        /// <summary>The coder of <paramref name="type"/> (null: none) and the first problem (a missing coder, or for a key a non-deterministic part).</summary>
        public (string? Coder, CoderProblem? Problem) Visit(ITypeSymbol type, string path, int depth, bool insideMember)
        {
            if (depth > MaxDepth)
            {
                return (null, NoCoder(path, "nests more than " + MaxDepth.ToString(CultureInfo.InvariantCulture) + " levels deep"));
            }

            switch (type.SpecialType)
            {
                case SpecialType.System_Boolean: return (Ns + "BooleanCoder", null);
                case SpecialType.System_Byte: return (Ns + "ByteCoder", null);
                case SpecialType.System_SByte: return (Ns + "SByteCoder", null);
                case SpecialType.System_Int16: return (Ns + "Int16Coder", null);
                case SpecialType.System_UInt16: return (Ns + "UInt16Coder", null);
                case SpecialType.System_Char: return (Ns + "CharCoder", null);
                case SpecialType.System_Int32: return (Ns + "Int32Coder", null);
                case SpecialType.System_UInt32: return (Ns + "UInt32Coder", null);
                case SpecialType.System_Int64: return (Ns + "Int64Coder", null);
                case SpecialType.System_UInt64: return (Ns + "UInt64Coder", null);
                case SpecialType.System_Decimal: return (Ns + "DecimalCoder", null);
                case SpecialType.System_String: return (Ns + "StringCoder", null);
                case SpecialType.System_DateTime: return (Ns + "DateTimeCoder", null);
                case SpecialType.System_Single:
                    return (Ns + "SingleCoder", Nondeterministic(path, "is a floating-point 'float'", floatingPoint: !insideMember));
                case SpecialType.System_Double:
                    return (Ns + "DoubleCoder", Nondeterministic(path, "is a floating-point 'double'", floatingPoint: !insideMember));
                case SpecialType.System_Object:
                    return (null, Nondeterministic(path, "is 'object', which has no fixed equality or encoding") ?? NoCoder(path, "is 'object', so no concrete type is known at build time"));
                case SpecialType.System_IntPtr:
                case SpecialType.System_UIntPtr:
                    return (null, NoCoder(path, "is the native handle '" + Display(type) + "', which means nothing in another process"));
            }

            switch (type.TypeKind)
            {
                case TypeKind.Dynamic:
                    return (null, Nondeterministic(path, "is 'dynamic', which has no fixed equality or encoding") ?? NoCoder(path, "is 'dynamic', so no concrete type is known at build time"));
                case TypeKind.Pointer:
                case TypeKind.FunctionPointer:
                    return (null, NoCoder(path, "is the pointer '" + Display(type) + "', which means nothing in another process"));
                case TypeKind.Delegate:
                    return (null, Nondeterministic(path, "is a delegate '" + Display(type) + "', which compares by reference") ?? NoCoder(path, "is the delegate '" + Display(type) + "', which is code, not data"));
                case TypeKind.TypeParameter:
                case TypeKind.Error:
                    // Not judged: a generic pipeline is refused on its own, and a type in error is the compiler's to report.
                    return (null, null);
            }

            if (type is IArrayTypeSymbol array)
            {
                if (!array.IsSZArray)
                {
                    return (null, NoCoder(path, "is the multi-dimensional array '" + Display(type) + "', which has no coder; use an array of arrays"));
                }

                var (item, itemProblem) = Visit(array.ElementType, path + "[]", depth + 1, insideMember);
                if (item is null)
                {
                    return (null, itemProblem);
                }

                return (Ns + "ArrayCoder<" + Name(array.ElementType) + ", " + item + ">",
                    Nondeterministic(path, "is an array '" + Display(type) + "', which compares by reference") ?? itemProblem);
            }

            if (type is not INamedTypeSymbol named)
            {
                return (null, NoCoder(path, "is '" + Display(type) + "', which has no coder"));
            }

            if (named.IsRefLikeType)
            {
                return (null, NoCoder(path, "is the ref struct '" + Display(type) + "', which cannot be stored"));
            }

            if (named.TypeKind == TypeKind.Enum && named.EnumUnderlyingType is { } underlying)
            {
                var (inner, _) = Visit(underlying, path, depth + 1, insideMember);
                return (Ns + "EnumCoder<" + Name(named) + ", " + Name(underlying) + ", " + inner + ">", null);
            }

            // A coder the user named wins over every rule below.
            if (UserCoder(named) is { } user)
            {
                if (user.Coder is not null && _judgingOnly == 0 && _building.Count > 0 && !_building.Peek().UserCoders.Contains(user.Coder))
                {
                    _building.Peek().UserCoders.Add(user.Coder);
                }

                return user.Coder is null
                    ? (null, NoCoder(path, user.Reason))
                    : (user.Coder, user.Deterministic ? null : Nondeterministic(path, "names the coder '" + user.Display + "', which does not declare itself deterministic ([Coder(..., Deterministic = true)])"));
            }

            var resource = ResourceReason(named);
            if (resource is not null)
            {
                return (null, NoCoder(path, "is " + resource));
            }

            if (named.IsTupleType)
            {
                return Tuple(named, path, depth, insideMember);
            }

            var definition = named.OriginalDefinition;
            var name = definition.ToDisplayString();
            switch (name)
            {
                case "System.Guid": return (Ns + "GuidCoder", null);
                case "System.DateTimeOffset": return (Ns + "DateTimeOffsetCoder", null);
                case "System.TimeSpan": return (Ns + "TimeSpanCoder", null);
                case "System.DateOnly": return (Ns + "DateOnlyCoder", null);
                case "System.TimeOnly": return (Ns + "TimeOnlyCoder", null);
                case "System.Int128": return (Ns + "Int128Coder", null);
                case "System.UInt128": return (Ns + "UInt128Coder", null);
                case "System.Half": return (Ns + "HalfCoder", Nondeterministic(path, "is a floating-point 'Half'", floatingPoint: !insideMember));
                case "Compiled.Instant": return (Ns + "InstantCoder", null);
                case "Compiled.BoundedWindow": return (Ns + "BoundedWindowCoder", null);
                case "Compiled.PaneInfo": return (Ns + "PaneInfoCoder", null);
                case "Compiled.MeanAccumulator": return (Ns + "MeanAccumulatorCoder", Nondeterministic(path, "is a mean's accumulator, whose sum is a floating-point 'double'"));
                case "System.ReadOnlyMemory<T>" when named.TypeArguments[0].SpecialType is SpecialType.System_Char or SpecialType.System_Byte:
                    // A whole key of this type is compared by content (the runners store it as a string or a Utf8Key); inside a
                    // tuple, KV or record, the part's equality is .NET's, by array and range.
                    return (Ns + (named.TypeArguments[0].SpecialType == SpecialType.System_Char ? "CharMemoryCoder" : "ByteMemoryCoder"),
                        depth > 0 ? Nondeterministic(path, "is '" + Display(type) + "', which .NET compares by reference (by array and range) inside a composite key; only a whole key of this type is compared by content: use a string here") : null);
                case "System.Nullable<T>":
                    return Generic("NullableCoder", named, path, new[] { string.Empty }, depth, insideMember, null);
                case "Compiled.KV<TKey, TValue>":
                    return Generic("KVCoder", named, path, new[] { ".Key", ".Value" }, depth, insideMember, null);
                case "System.Collections.Generic.KeyValuePair<TKey, TValue>":
                    return Generic("KeyValuePairCoder", named, path, new[] { ".Key", ".Value" }, depth, insideMember, null);
                case "Compiled.MinMaxAccumulator<T>":
                    return Generic("MinMaxAccumulatorCoder", named, path, new[] { ".Value" }, depth, insideMember, null);
                case "Compiled.TopAccumulator<T>":
                    return Generic("TopAccumulatorCoder", named, path, new[] { "[]" }, depth, insideMember, "is a top accumulator, a heap that compares by reference");
                case "System.Collections.Generic.List<T>":
                    return Generic("ListCoder", named, path, new[] { "[]" }, depth, insideMember, "is the class '" + Display(type) + "', which does not override Equals and so compares by reference");
                case "System.Collections.Generic.IList<T>":
                case "System.Collections.Generic.IReadOnlyList<T>":
                case "System.Collections.Generic.ICollection<T>":
                case "System.Collections.Generic.IReadOnlyCollection<T>":
                case "System.Collections.Generic.IEnumerable<T>":
                    return Generic("CollectionCoder", named, path, new[] { "[]" }, depth, insideMember, "is the interface '" + Display(type) + "', whose implementations compare by reference", self: true);
                case "System.Collections.Generic.HashSet<T>":
                    return Generic("HashSetCoder", named, path, new[] { "[]" }, depth, insideMember, "is '" + Display(type) + "', an unordered collection that compares by reference");
                case "System.Collections.Generic.Dictionary<TKey, TValue>":
                    return Generic("DictionaryCoder", named, path, new[] { "[].Key", "[].Value" }, depth, insideMember, "is '" + Display(type) + "', an unordered collection that compares by reference");
                case "System.Collections.Generic.IDictionary<TKey, TValue>":
                case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
                    return Generic("DictionaryInterfaceCoder", named, path, new[] { "[].Key", "[].Value" }, depth, insideMember, "is '" + Display(type) + "', an unordered collection that compares by reference", self: true);
            }

            if (IsUnordered(named) && _key)
            {
                return (null, Nondeterministic(path, "is '" + Display(type) + "', an unordered collection that compares by reference"));
            }

            if (named.TypeKind == TypeKind.Interface)
            {
                return (null, NoCoder(path, "is the interface '" + Display(type) + "', so no concrete type is known at build time"));
            }

            if (named.TypeKind == TypeKind.Class && named.IsAbstract)
            {
                return (null, NoCoder(path, "is the abstract class '" + Display(type) + "', so no concrete type is known at build time"));
            }

            if (named.TypeKind is not (TypeKind.Class or TypeKind.Struct))
            {
                return (null, NoCoder(path, "is '" + Display(type) + "', which has no coder"));
            }

            if (definition.ContainingNamespace?.ToDisplayString() is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal)))
            {
                // A framework type not listed above: its state is private, and its constructors are not its members.
                return (null, NoCoder(path, "is '" + Display(type) + "', which has no built-in coder; name one with [Coder(typeof(...))] on a type of yours that holds it, or carry its data instead"));
            }

            return Generated(named, path, depth);
        }

        private (string? Coder, CoderProblem? Problem) Generic(string coder, INamedTypeSymbol named, string path, string[] suffixes, int depth, bool insideMember, string? keyReason, bool self = false)
        {
            var arguments = new List<string>();
            var coders = new List<string>();
            CoderProblem? firstProblem = null;
            for (var i = 0; i < named.TypeArguments.Length; i++)
            {
                var (inner, problem) = Visit(named.TypeArguments[i], path + suffixes[Math.Min(i, suffixes.Length - 1)], depth + 1, insideMember);
                if (inner is null)
                {
                    return (null, problem);
                }

                arguments.Add(Name(named.TypeArguments[i]));
                coders.Add(inner);
                firstProblem ??= problem;
            }

            var text = Ns + coder + "<" + (self ? Name(named) + ", " : string.Empty) + string.Join(", ", arguments) + ", " + string.Join(", ", coders) + ">";
            return (text, (keyReason is null ? null : Nondeterministic(path, keyReason)) ?? firstProblem);
        }

        private (string? Coder, CoderProblem? Problem) Tuple(INamedTypeSymbol named, string path, int depth, bool insideMember)
        {
            var elements = named.TupleElements;
            if (elements.Length is < 2 or > 7)
            {
                return (null, NoCoder(path, "is a tuple of " + elements.Length.ToString(CultureInfo.InvariantCulture) + " items; tuples of 2 to 7 items have coders"));
            }

            var arguments = new List<string>();
            var coders = new List<string>();
            CoderProblem? firstProblem = null;
            foreach (var element in elements)
            {
                var (inner, problem) = Visit(element.Type, path + "." + element.Name, depth + 1, insideMember);
                if (inner is null)
                {
                    return (null, problem);
                }

                arguments.Add(Name(element.Type));
                coders.Add(inner);
                firstProblem ??= problem;
            }

            return (Ns + "ValueTupleCoder<" + string.Join(", ", arguments) + ", " + string.Join(", ", coders) + ">", firstProblem);
        }

        /// <summary>A record, struct or class: a coder generated from its members.</summary>
        private (string? Coder, CoderProblem? Problem) Generated(INamedTypeSymbol type, string path, int depth)
        {
            // Determinism first, as a key: equality the generated coder cannot follow.
            CoderProblem? keyProblem = null;
            if (_key)
            {
                if (HasUserEquality(type))
                {
                    keyProblem = Nondeterministic(path, "is '" + Display(type) + "', whose own Equals a generated coder cannot follow (name a coder that writes what it compares: [Coder(typeof(...), Deterministic = true)])");
                }
                else if (type.TypeKind == TypeKind.Class && !type.IsRecord)
                {
                    keyProblem = Nondeterministic(path, "is the class '" + Display(type) + "', which does not override Equals and so compares by reference");
                }
            }

            var failures = _key ? _rule._failedAsKey : _rule._failed;
            if (_rule._shapes.TryGetValue(type, out var known))
            {
                // Built already (or being built: a recursive type refers to its own coder). Its members' determinism is
                // judged again, as a key, and the types it uses are added to this judgement's list.
                Add(known);
                var memberProblem = _key && keyProblem is null && !_building.Contains(known) ? MemberKeyProblem(type, path, depth) : null;
                return (Use(type, known, depth), keyProblem ?? memberProblem);
            }

            if (failures.TryGetValue(type, out var failed))
            {
                return (null, Rebase(failed, Marker, path));
            }

            var shape = new GeneratedCoderShape(Name(type), UniqueCoderName(type), type.IsReferenceType, Plain(type)) { IsPrivate = IsPrivate(type) };
            _rule._shapes[type] = shape;
            _building.Push(shape);
            CoderProblem? problem;
            CoderProblem? membersProblem;
            try
            {
                problem = Build(type, shape, path, depth, out membersProblem);
            }
            finally
            {
                _building.Pop();
            }

            if (problem is not null)
            {
                _rule._shapes.Remove(type);
                _rule._coderNames.Remove(shape.CoderName);
                failures[type] = Rebase(problem, path, Marker);
                return (null, problem);
            }

            Add(shape);
            return (Use(type, shape, depth), keyProblem ?? membersProblem);
        }

        /// <summary>
        /// The coder to use for a generated type here: a class's coder writes its fields only, so that a grouping key (never
        /// null) encodes as its fields, and everywhere else it is wrapped with a presence marker, so that null round-trips.
        /// </summary>
        private string Use(INamedTypeSymbol type, GeneratedCoderShape shape, int depth)
        {
            var coder = _rule._generatedCoderType(shape.CoderName);
            return !type.IsReferenceType || (_key && depth == 0) ? coder : Ns + "NullableReferenceCoder<" + Name(type) + ", " + coder + ">";
        }

        /// <summary>
        /// Adds a generated type to the direct dependencies of the type being built (so that its version depends on the
        /// type's own members only, whatever was judged before), and it and what it uses to this judgement's list.
        /// </summary>
        private void Add(GeneratedCoderShape shape)
        {
            if (_judgingOnly == 0 && _building.Count > 0 && _building.Peek() != shape && !_building.Peek().Dependencies.Contains(shape))
            {
                _building.Peek().Dependencies.Add(shape);
            }

            AddToList(shape);
        }

        private void AddToList(GeneratedCoderShape shape)
        {
            if (_added.Add(shape))
            {
                _generated.Add(shape);
                foreach (var dependency in shape.Dependencies)
                {
                    AddToList(dependency);
                }
            }
        }

        /// <summary>The first non-deterministic member of an already built type, for a key.</summary>
        private CoderProblem? MemberKeyProblem(INamedTypeSymbol type, string path, int depth)
        {
            if (depth > MaxDepth)
            {
                return null;
            }

            // Only judging: what the members use is not recorded as the dependencies of the type being built.
            _judgingOnly++;
            try
            {
                foreach (var (name, memberType, _) in ReadableMembers(type))
                {
                    var (_, problem) = Visit(memberType, path + "." + name, depth + 1, insideMember: true);
                    if (problem is not null)
                    {
                        return problem;
                    }
                }

                return null;
            }
            finally
            {
                _judgingOnly--;
            }
        }

        /// <summary>Fills <paramref name="shape"/>: members, constructor, schema. Returns the reason it cannot be built.</summary>
        private CoderProblem? Build(INamedTypeSymbol type, GeneratedCoderShape shape, string path, int depth, out CoderProblem? keyProblem)
        {
            keyProblem = null;
            var inSource = IsInSource(type);
            var members = ReadableMembers(type);
            var constructor = ChooseConstructor(type, members);
            var byName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            if (constructor is not null)
            {
                for (var i = 0; i < constructor.Parameters.Length; i++)
                {
                    byName[constructor.Parameters[i].Name] = i;
                }
            }
            else if (!type.IsValueType)
            {
                return NoCoder(path, "is the class '" + Display(type) + "', which has no public constructor whose parameters name its members, so a coder cannot build it again");
            }

            var schema = new StringBuilder(Name(type)).Append('{');
            var encoded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, memberType, settable) in members)
            {
                var position = byName.TryGetValue(name, out var p) ? p : -1;
                if (position < 0 && !settable)
                {
                    if (inSource && !IsComputed(type, name))
                    {
                        return NoCoder(path + "." + name, "is get-only and no public constructor takes it, so a coder cannot restore it");
                    }

                    // Computed from other state (or, for a type of another assembly, assumed so): not written.
                    continue;
                }

                var (coder, problem) = Visit(memberType, path + "." + name, depth + 1, insideMember: true);
                if (coder is null)
                {
                    // A part not judged (a type parameter, a type in error) leaves the type without a coder, unreported.
                    return problem ?? new CoderProblem(CoderProblemKind.NotJudged, path + "." + name, "cannot be judged at build time");
                }

                keyProblem ??= problem;
                shape.Members.Add(new CoderMember(name, Name(memberType), coder, position));
                encoded.Add(name);
                schema.Append(name).Append(':').Append(Name(memberType)).Append(';');
            }

            shape.ConstructorArity = constructor?.Parameters.Length ?? 0;
            if (constructor is not null)
            {
                foreach (var parameter in constructor.Parameters)
                {
                    if (!encoded.Contains(parameter.Name))
                    {
                        return NoCoder(path, "is '" + Display(type) + "', whose constructor parameter '" + parameter.Name + "' names no member a coder can read");
                    }
                }
            }

            if (inSource)
            {
                // Private state that nothing encoded restores would be lost.
                var fields = InstanceFields(type);
                if (fields.Count > 0 && encoded.Count == 0 && type.TypeKind == TypeKind.Class && !type.IsRecord)
                {
                    return NoCoder(path, "is the class '" + Display(type) + "', whose state is only private fields that no public member or constructor sets, so it cannot be encoded field by field");
                }

                foreach (var field in fields)
                {
                    var name = field.AssociatedSymbol?.Name ?? field.Name;
                    if (!encoded.Contains(name) && !encoded.Contains(name.TrimStart('_')))
                    {
                        return NoCoder(path + "." + name, "is private state of '" + Display(type) + "' that no public member or constructor sets, so a coder cannot restore it");
                    }
                }
            }

            // The schema names types, never the generated coders (whose names depend on the pipeline that declares them):
            // the same type has the same version in every pipeline. A user coder's name is part of it.
            shape.Schema = schema.Append('}').Append(string.Join(",", shape.UserCoders)).ToString();
            return null;
        }

        private string UniqueCoderName(INamedTypeSymbol type)
        {
            var builder = new StringBuilder();
            foreach (var c in Plain(type))
            {
                builder.Append(char.IsLetterOrDigit(c) ? c : '_');
            }

            var baseName = builder.ToString().TrimEnd('_') + "Coder";
            var name = baseName;
            for (var i = 2; !_rule._coderNames.Add(name); i++)
            {
                name = baseName + i.ToString(CultureInfo.InvariantCulture);
            }

            return name;
        }

        /// <summary>The problem with the start of its path changed (problems are remembered per type, whatever path led there).</summary>
        private static CoderProblem Rebase(CoderProblem problem, string from, string to) =>
            problem.Path.StartsWith(from, StringComparison.Ordinal)
                ? new CoderProblem(problem.Kind, to + problem.Path.Substring(from.Length), problem.Reason)
                : problem;
    }

    /// <summary>The coder named by <c>[Coder(typeof(C))]</c> on the type, or null when it has none.</summary>
    private static (string? Coder, bool Deterministic, string Reason, string Display)? UserCoder(INamedTypeSymbol type)
    {
        foreach (var attribute in type.OriginalDefinition.GetAttributes())
        {
            if (attribute.AttributeClass is not { Name: "CoderAttribute" } attributeClass || attributeClass.ContainingNamespace?.ToDisplayString() != "Compiled.Coders")
            {
                continue;
            }

            var deterministic = attribute.NamedArguments.Any(a => a.Key == "Deterministic" && a.Value.Value is true);
            if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not INamedTypeSymbol coder || coder.TypeKind == TypeKind.Error)
            {
                return (null, false, "names no coder type in [Coder(...)]", string.Empty);
            }

            var display = Display(coder);
            var implements = coder.AllInterfaces.Any(i => i.Name == "ICoder" && i.TypeArguments.Length == 1 &&
                i.ContainingNamespace?.ToDisplayString() == "Compiled.Coders" &&
                SymbolEqualityComparer.Default.Equals(i.TypeArguments[0].WithNullableAnnotation(NullableAnnotation.None), type.WithNullableAnnotation(NullableAnnotation.None)));
            if (!coder.IsValueType || !implements || coder.IsGenericType)
            {
                return (null, false, "names the coder '" + display + "' in [Coder(...)], which must be a non-generic struct implementing ICoder<" + Display(type) + ">", display);
            }

            return (Name(coder), deterministic, string.Empty, display);
        }

        return null;
    }

    /// <summary>Public instance fields and readable properties, base types first, with whether each can be set after construction.</summary>
    private static List<(string Name, ITypeSymbol Type, bool Settable)> ReadableMembers(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var t = type; t is not null && t.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); t = t.BaseType)
        {
            chain.Insert(0, t);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<(string, ITypeSymbol, bool)>();
        foreach (var t in chain)
        {
            foreach (var member in t.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public)
                {
                    continue;
                }

                switch (member)
                {
                    case IFieldSymbol { IsConst: false, IsImplicitlyDeclared: false } field when seen.Add(field.Name):
                        result.Add((field.Name, field.Type, !field.IsReadOnly));
                        break;
                    case IPropertySymbol { IsIndexer: false, GetMethod.DeclaredAccessibility: Accessibility.Public } property
                        when property.Name != "EqualityContract" && seen.Add(property.Name):
                        result.Add((property.Name, property.Type, property.SetMethod is { DeclaredAccessibility: Accessibility.Public }));
                        break;
                }
            }
        }

        return result;
    }

    /// <summary>The public constructor with the most parameters that all name readable members of the same type; null when none does.</summary>
    private static IMethodSymbol? ChooseConstructor(INamedTypeSymbol type, List<(string Name, ITypeSymbol Type, bool Settable)> members)
    {
        IMethodSymbol? best = null;
        foreach (var constructor in type.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility != Accessibility.Public)
            {
                continue;
            }

            // A record's copy constructor takes the record itself.
            if (constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type.OriginalDefinition, type.OriginalDefinition))
            {
                continue;
            }

            var matches = constructor.Parameters.All(p => members.Any(m =>
                string.Equals(m.Name, p.Name, StringComparison.OrdinalIgnoreCase) &&
                SymbolEqualityComparer.Default.Equals(m.Type.WithNullableAnnotation(NullableAnnotation.None), p.Type.WithNullableAnnotation(NullableAnnotation.None))));
            if (matches && (best is null || constructor.Parameters.Length > best.Parameters.Length))
            {
                best = constructor;
            }
        }

        return best;
    }

    /// <summary>A source property without a backing field (computed from other state).</summary>
    private static bool IsComputed(INamedTypeSymbol type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            foreach (var member in t.GetMembers(name))
            {
                if (member is IPropertySymbol property)
                {
                    return !t.GetMembers().OfType<IFieldSymbol>().Any(f => SymbolEqualityComparer.Default.Equals(f.AssociatedSymbol, property));
                }
            }
        }

        return false;
    }

    /// <summary>Instance fields of the type and its source-declared bases.</summary>
    private static List<IFieldSymbol> InstanceFields(INamedTypeSymbol type)
    {
        var fields = new List<IFieldSymbol>();
        for (var current = type; current is not null && IsInSource(current); current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member is IFieldSymbol { IsStatic: false, IsConst: false } field)
                {
                    fields.Add(field);
                }
            }
        }

        return fields;
    }

    private static bool IsPrivate(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? t = type; t is not null; t = t.ContainingType)
        {
            if (t.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInSource(INamedTypeSymbol type)
    {
        foreach (var location in type.Locations)
        {
            if (location.IsInSource)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when the type or a base (below <c>object</c>/<c>ValueType</c>) declares Equals(object) or implements
    /// <c>IEquatable&lt;T&gt;</c> itself: equality the user chose. A record's synthesized members do not count.
    /// </summary>
    private static bool HasUserEquality(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType is not (SpecialType.System_Object or SpecialType.System_ValueType); current = current.BaseType)
        {
            foreach (var member in current.GetMembers("Equals"))
            {
                if (member is IMethodSymbol { IsStatic: false, IsImplicitlyDeclared: false, Parameters.Length: 1 } equals &&
                    (equals.IsOverride || !current.IsRecord))
                {
                    return true;
                }
            }

            if (current.IsRecord)
            {
                continue;
            }

            foreach (var implemented in current.Interfaces)
            {
                if (implemented.OriginalDefinition.ToDisplayString() == "System.IEquatable<T>")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool IsUnordered(INamedTypeSymbol type)
    {
        foreach (var implemented in type.AllInterfaces.Prepend(type))
        {
            switch (implemented.OriginalDefinition.ToDisplayString())
            {
                case "System.Collections.Generic.IDictionary<TKey, TValue>":
                case "System.Collections.Generic.IReadOnlyDictionary<TKey, TValue>":
                case "System.Collections.Generic.ISet<T>":
                case "System.Collections.Generic.IReadOnlySet<T>":
                case "System.Collections.IDictionary":
                    return true;
            }
        }

        return false;
    }

    /// <summary>Why a type that stands for a live resource (a stream, a task, a thread) has no coder, or null.</summary>
    private static string? ResourceReason(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            switch (current.OriginalDefinition.ToDisplayString())
            {
                case "System.IO.Stream":
                    return "the stream '" + Display(type) + "', a live resource rather than data";
                case "System.Threading.Tasks.Task":
                case "System.Threading.Tasks.Task<TResult>":
                case "System.Threading.Tasks.ValueTask":
                case "System.Threading.Tasks.ValueTask<TResult>":
                    return "the task '" + Display(type) + "', a running computation rather than data";
                case "System.Threading.Thread":
                    return "the thread '" + Display(type) + "', a live resource rather than data";
                case "System.Threading.CancellationToken":
                case "System.Threading.CancellationTokenSource":
                    return "the cancellation '" + Display(type) + "', which belongs to one process";
                case "System.Runtime.InteropServices.SafeHandle":
                case "System.Threading.WaitHandle":
                    return "the native handle '" + Display(type) + "', which means nothing in another process";
            }
        }

        return null;
    }
}
