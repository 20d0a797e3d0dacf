using System;

namespace Compiled.Coders;

/// <summary>
/// Names the coder of a type: the generator then uses <see cref="CoderType"/> wherever the type crosses a grouping or
/// is kept in state, instead of generating one field by field.
/// </summary>
/// <remarks>
/// <para>The coder must be a <c>struct</c> implementing <see cref="ICoder{T}"/> of the attributed type, with no state.</para>
/// <para>A key type with a user-written <c>Equals</c> has no deterministic generated coder (the generator cannot know
/// what that equality compares): name a coder that writes what <c>Equals</c> compares, and say so with
/// <see cref="Deterministic"/> = <c>true</c>, so that equal keys meet in one key group.</para>
/// </remarks>
/// <example>
/// <code>
/// [Coder(typeof(MoneyCoder), Deterministic = true)]
/// public readonly record struct Money(long Cents, string Currency);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct | AttributeTargets.Enum, Inherited = false, AllowMultiple = false)]
public sealed class CoderAttribute : Attribute
{
    /// <summary>Names the coder of the attributed type.</summary>
    /// <param name="coderType">A struct implementing <see cref="ICoder{T}"/> of the attributed type.</param>
    public CoderAttribute(Type coderType) => CoderType = coderType;

    /// <summary>The coder: a struct implementing <see cref="ICoder{T}"/> of the attributed type.</summary>
    public Type CoderType { get; }

    /// <summary>
    /// True when equal values (by the type's <c>Equals</c>) always encode to equal bytes in the canonical mode: the
    /// type may then be a grouping key whose hash is computed from the coder's bytes. False by default.
    /// </summary>
    public bool Deterministic { get; set; }
}
