namespace Compiled.Coders;

/// <summary>
/// Encodes values of <typeparamref name="T"/> to bytes and decodes them back (Beam's <c>Coder</c>): what crosses a
/// grouping, what a checkpoint keeps of the state, and what the key-group hash of a key is computed from.
/// </summary>
/// <remarks>
/// <para>Implement it as a <c>struct</c> without state: the runtime and the generated code call a coder through a
/// type parameter constrained to <c>struct</c> (<c>default(TCoder).Encode(...)</c>), so the calls are direct and
/// inlined, and nothing is allocated for a value type.</para>
/// <para>A coder writes only the value, never a header: the <see cref="FormatVersion"/> is written once per stream or
/// checkpoint part (<see cref="Coder.EncodeVersioned{T, TCoder}(T, System.Buffers.IBufferWriter{byte})"/>), and checked
/// when it is read back.</para>
/// <para>Two encodings: the <em>exact</em> one (the default) restores every bit of the value (the sign of a zero, a
/// decimal's scale, a <see cref="System.DateTime"/>'s kind, a <see cref="System.DateTimeOffset"/>'s offset); the
/// <em>canonical</em> one (<see cref="CoderWriter.Canonical"/>, used for keys) writes values that .NET holds equal
/// with equal bytes, which is what a key's hash needs. A coder calls the writer's methods, which apply the mode.</para>
/// </remarks>
/// <typeparam name="T">The type of the values.</typeparam>
public interface ICoder<T>
{
    /// <summary>
    /// A number that changes whenever the encoding changes (for a generated coder: a hash of its fields, their order and
    /// their types); data written under another version is refused when read (<see cref="CoderVersionMismatchException"/>).
    /// </summary>
    uint FormatVersion { get; }

    /// <summary>Writes <paramref name="value"/>.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="value">The value (null for a reference type is written as such).</param>
    void Encode(ref CoderWriter writer, T value);

    /// <summary>Reads a value written by <see cref="Encode"/>.</summary>
    /// <param name="reader">Where to read from.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CoderException">The data ends early or is not a valid encoding.</exception>
    T Decode(ref CoderReader reader);
}
