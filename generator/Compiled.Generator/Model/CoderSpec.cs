using Compiled.Generator.Helpers;

namespace Compiled.Generator.Model;

/// <summary>
/// A coder the generator writes for one record, struct or class that a pipeline groups by, groups, combines or keeps in
/// state (<see cref="Shared.CoderRule"/> decides which types get one). Plain text, equatable.
/// </summary>
internal sealed record CoderSpec
{
    /// <summary>The encoded type, fully qualified.</summary>
    public required string Type { get; init; }

    /// <summary>The coder struct's simple name ("OrderCoder").</summary>
    public required string CoderName { get; init; }

    /// <summary>The type as a person reads it, for the docs of the coder.</summary>
    public required string Display { get; init; }

    /// <summary>True for a class: the coder is given non-null values only (uses elsewhere wrap it with a presence marker).</summary>
    public required bool IsReferenceType { get; init; }

    /// <summary>True when the type is visible only inside a class: the coders' class is then private to the pipeline class.</summary>
    public required bool IsPrivate { get; init; }

    /// <summary>The members, in the order they are written.</summary>
    public required EquatableArray<CoderMemberSpec> Members { get; init; }

    /// <summary>The number of constructor arguments (members with a <see cref="CoderMemberSpec.ConstructorPosition"/>).</summary>
    public required int ConstructorArity { get; init; }

    /// <summary>The format version, a C# uint literal: a hash of the schema of the type and of the generated types it holds.</summary>
    public required string Version { get; init; }

    /// <summary>User coders (named by [Coder]) whose format versions are mixed into this coder's when it runs.</summary>
    public required EquatableArray<string> UserCoders { get; init; }
}

/// <summary>One member of a generated coder.</summary>
/// <param name="Name">The member, as C# writes it.</param>
/// <param name="Type">Its type, fully qualified.</param>
/// <param name="Coder">The coder of its type, fully qualified.</param>
/// <param name="ConstructorPosition">Its position among the constructor's arguments, or -1 for an initializer.</param>
internal sealed record CoderMemberSpec(string Name, string Type, string Coder, int ConstructorPosition);

/// <summary>The planner's output for a pipeline's coders: where to declare them and what to declare, in a stable order.</summary>
internal sealed record CoderPlan
{
    public required string Namespace { get; init; }

    public required string ClassName { get; init; }

    public required string TypeKeyword { get; init; }

    public required EquatableArray<string> ContainingTypes { get; init; }

    /// <summary>"internal", or "private" when a coded type is visible only inside a class.</summary>
    public required string Accessibility { get; init; }

    /// <summary>The coders, ordered by name.</summary>
    public required EquatableArray<CoderSpec> Coders { get; init; }
}
