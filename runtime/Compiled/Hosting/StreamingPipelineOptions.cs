using System;

namespace Compiled.Hosting;

/// <summary>How <see cref="StreamingPipelineService{TJob}"/> runs its job.</summary>
public sealed class StreamingPipelineOptions
{
    /// <summary>
    /// When the job's source ends by itself (a file or standard input at its end), stop the host once the
    /// job has drained. True by default: a job over a bounded source then behaves like a command-line run.
    /// Set it to false to keep the host (and its other services) running.
    /// </summary>
    public bool StopHostWhenSourceEnds { get; set; } = true;

    /// <summary>
    /// The name the job is logged under; <see langword="null"/> (the default) uses the job's type name.
    /// </summary>
    public string? Name { get; set; }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The name is empty or white space.</exception>
    internal void Validate()
    {
        if (Name is not null && string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("A streaming job's name may not be empty.", nameof(Name));
        }
    }
}
