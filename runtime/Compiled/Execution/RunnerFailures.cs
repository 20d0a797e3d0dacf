using System;
using System.ComponentModel;
using System.Globalization;

namespace Compiled.Execution;

/// <summary>
/// Builds the <see cref="PipelineExecutionException"/>s of generated runners, so that every runner says the same things
/// the same way. Called by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RunnerFailures
{
    /// <summary>A transform failed on a pushed element.</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <param name="sourceFile">The file that declares the pipeline.</param>
    /// <param name="transform">The failing transform's plan label, or null when it could not be told.</param>
    /// <param name="line">The line where the transform is applied (0: unknown).</param>
    /// <param name="input">The input pushed into.</param>
    /// <param name="index">The element's position in what was pushed.</param>
    /// <param name="error">The user's exception, or a runner check's <see cref="PipelineExecutionException"/>.</param>
    /// <returns>The exception to throw.</returns>
    public static PipelineExecutionException Element(string pipeline, string? sourceFile, string? transform, int line, string input, long index, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var position = index.ToString(CultureInfo.InvariantCulture);
        var resume = "Elements before index " + position + " were applied once; push from index " + (index + 1).ToString(CultureInfo.InvariantCulture) + " to go on.";
        if (error is PipelineExecutionException check && check.InnerException is null && check.Transform is not null)
        {
            // A rule of the model checked by the runner (null key, timestamp moving backward, ...): its message says what.
            return new PipelineExecutionException(check.Message + " (element " + position + " of input '" + input + "'). " + resume)
            {
                Pipeline = pipeline,
                SourceFile = sourceFile,
                Transform = check.Transform,
                Line = check.Line,
                Input = input,
                ElementIndex = index,
            };
        }

        var where = transform is null
            ? "The fused stage of input '" + input + "' in pipeline " + pipeline
            : transform + " in pipeline " + pipeline;
        return new PipelineExecutionException(
            where + " threw " + error.GetType().Name + " on element " + position + " of input '" + input + "': " + error.Message + " " + resume,
            error)
        {
            Pipeline = pipeline,
            SourceFile = sourceFile,
            Transform = transform,
            Line = line,
            Input = input,
            ElementIndex = index,
        };
    }

    /// <summary>A rule of the model broken by an element (thrown by generated code inside a fused stage).</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <param name="transform">The transform whose rule it is.</param>
    /// <param name="line">The line where the transform is applied.</param>
    /// <param name="message">What is wrong and what to do.</param>
    /// <returns>The exception to throw.</returns>
    public static PipelineExecutionException Check(string pipeline, string transform, int line, string message) =>
        new(message) { Pipeline = pipeline, Transform = transform, Line = line };

    /// <summary>A sink threw: the result it refused is held with the later ones.</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <param name="output">The output whose sink threw.</param>
    /// <param name="error">The sink's exception.</param>
    /// <returns>The exception to record.</returns>
    public static PipelineExecutionException Sink(string pipeline, string output, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new PipelineExecutionException(
            "The sink of output '" + output + "' in pipeline " + pipeline + " threw " + error.GetType().Name + ": " + error.Message +
            " Nothing is lost: the result it refused and the later results of that output are held and delivered, in order, by the next call to the runner.",
            error)
        {
            Pipeline = pipeline,
            Output = output,
        };
    }

    /// <summary>A transform failed on a pane fired by a grouping (or on an element replayed after its side input completed).</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <param name="sourceFile">The file that declares the pipeline.</param>
    /// <param name="transform">The failing transform's plan label, or null when it could not be told.</param>
    /// <param name="line">The line where the transform is applied (0: unknown).</param>
    /// <param name="what">What was being delivered, e.g. "a pane of CombinePerKey (line 16), key a, window [0, 60000)".</param>
    /// <param name="error">The user's exception, or a runner check's <see cref="PipelineExecutionException"/>.</param>
    /// <returns>The exception to record.</returns>
    public static PipelineExecutionException Delivery(string pipeline, string? sourceFile, string? transform, int line, string what, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error is PipelineExecutionException check && check.InnerException is null && check.Transform is not null)
        {
            transform = check.Transform;
            line = check.Line;
            return new PipelineExecutionException(check.Message + " (on " + what + "). The call delivered the others; this one is not delivered again.")
            {
                Pipeline = pipeline,
                SourceFile = sourceFile,
                Transform = transform,
                Line = line,
            };
        }

        var where = transform ?? "A transform";
        return new PipelineExecutionException(
            where + " in pipeline " + pipeline + " threw " + error.GetType().Name + " on " + what + ": " + error.Message +
            " The call delivered the others; this one is not delivered again.",
            error)
        {
            Pipeline = pipeline,
            SourceFile = sourceFile,
            Transform = transform,
            Line = line,
        };
    }

    /// <summary>Something failed that the runner did not expect (a defect): the runner's state may be inconsistent.</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <param name="error">The exception.</param>
    /// <returns>The exception to throw.</returns>
    public static PipelineExecutionException Unexpected(string pipeline, Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error as PipelineExecutionException ?? new PipelineExecutionException(
            "The runner of pipeline " + pipeline + " failed unexpectedly (" + error.GetType().Name + ": " + error.Message + "); its state may be inconsistent: create a new runner.",
            error)
        {
            Pipeline = pipeline,
        };
    }

    /// <summary>The message that a runner is used by two callers at once.</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException Concurrent(string pipeline) => new(
        "The runner of pipeline " + pipeline + " is already running a call: a runner takes one call at a time, from one thread or one async flow " +
        "(its state is not synchronized). Push from one writer, or give each writer its own runner. (If no other call is running, an earlier " +
        "call failed in the runner itself: create a new runner.)");

    /// <summary>The message that a runner's Finish did not complete.</summary>
    /// <param name="pipeline">The pipeline class.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException FinishIncomplete(string pipeline) => new(
        "Finish of the runner of pipeline " + pipeline + " did not complete (a sink failed): call Finish again to deliver the held results. No more input is accepted.");
}

/// <summary>
/// The failures met during one call of a generated runner, which went on past them where it could (a sink that threw,
/// a pane whose transform threw); the call throws the first when it ends. Used by generated code only.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class FailureLog
{
    private PipelineExecutionException? _first;
    private int _count;

    /// <summary>Whether the call met a failure.</summary>
    public bool Any => _count > 0;

    /// <summary>Records a failure.</summary>
    /// <param name="failure">The failure.</param>
    public void Add(PipelineExecutionException failure)
    {
        _first ??= failure;
        _count++;
    }

    /// <summary>The exception to throw for the failures recorded (and forgets them).</summary>
    /// <param name="held">Results held for the next call, all outputs.</param>
    /// <returns>The exception.</returns>
    public PipelineExecutionException Take(long held)
    {
        var first = _first ?? throw new InvalidOperationException("No failure was recorded.");
        return Build(first, _count, held);
    }

    /// <summary>
    /// The exception to throw for a failure that stopped the call (a transform failing on a pushed element), with the
    /// failures recorded before it counted (and forgets them).
    /// </summary>
    /// <param name="stop">The failure that stopped the call.</param>
    /// <param name="held">Results held for the next call, all outputs.</param>
    /// <returns>The exception.</returns>
    public PipelineExecutionException TakeWith(PipelineExecutionException stop, long held)
    {
        ArgumentNullException.ThrowIfNull(stop);
        return Build(stop, _count + 1, held);
    }

    private PipelineExecutionException Build(PipelineExecutionException first, int count, long held)
    {
        _first = null;
        _count = 0;
        var message = first.Message;
        if (count > 1)
        {
            message += " (" + count.ToString(CultureInfo.InvariantCulture) + " failures in this call; this is the first.)";
        }

        if (held > 0)
        {
            message += " " + held.ToString(CultureInfo.InvariantCulture) + " result(s) are held for the next call.";
        }

        return new PipelineExecutionException(message, first.InnerException)
        {
            Pipeline = first.Pipeline,
            SourceFile = first.SourceFile,
            Transform = first.Transform,
            Line = first.Line,
            Input = first.Input,
            ElementIndex = first.ElementIndex,
            Output = first.Output,
            HeldOutputs = held,
            FailureCount = count,
        };
    }
}
