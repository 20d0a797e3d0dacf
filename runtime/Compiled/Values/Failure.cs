using System;

namespace Compiled;

/// <summary>
/// An element on which a transform's function threw, with the exception (Beam's <c>ExceptionElement</c>): what a
/// transform with a failure output (<c>MapWithFailures</c>, <c>FilterWithFailures</c>, <c>FlatMapWithFailures</c>)
/// sends to its failures instead of failing the pipeline.
/// </summary>
/// <remarks>
/// An exception is not a value a coder can encode: map failures to plain records (for example the element and
/// <see cref="Message"/>) before grouping them.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
/// <param name="Element">The element.</param>
/// <param name="Exception">What the function threw.</param>
/// <param name="Transform">The transform, as the pipeline's plan names it (for example <c>MapWithFailures (line 12)</c>).</param>
public readonly record struct Failure<T>(T Element, Exception Exception, string Transform)
{
    /// <summary>The exception's type name.</summary>
    public string ExceptionType => Exception.GetType().Name;

    /// <summary>The exception's message.</summary>
    public string Message => Exception.Message;

    /// <inheritdoc />
    public override string ToString() => Transform + " failed on " + Element + ": " + ExceptionType + ": " + Message;
}
