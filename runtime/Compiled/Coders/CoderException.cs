using System;

namespace Compiled.Coders;

/// <summary>Bytes that are not a valid encoding: they end early, or hold a value the coder cannot have written.</summary>
public class CoderException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CoderException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public CoderException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CoderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Data written by another format version of a coder than the one reading it: a type's fields (or their order or
/// types) changed between the writing and the reading build.
/// </summary>
public sealed class CoderVersionMismatchException : CoderException
{
    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public CoderVersionMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public CoderVersionMismatchException()
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CoderVersionMismatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The version found in the data.</summary>
    public uint WrittenVersion { get; init; }

    /// <summary>The version of the coder that reads.</summary>
    public uint ExpectedVersion { get; init; }
}
