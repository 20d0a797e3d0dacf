using System;
using Microsoft.Extensions.Logging;

namespace Compiled.Hosting;

/// <summary>The log messages of hosted streaming jobs (source-generated: no boxing, no reflection, AOT-safe).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "StreamingJobStarted", Level = LogLevel.Information, Message = "Streaming job {Job} started")]
    public static partial void Started(ILogger logger, string job);

    [LoggerMessage(EventId = 2, EventName = "StreamingJobSourceEnded", Level = LogLevel.Information, Message = "Streaming job {Job}: the source ended; finishing open windows")]
    public static partial void SourceEnded(ILogger logger, string job);

    [LoggerMessage(EventId = 3, EventName = "StreamingJobStopping", Level = LogLevel.Information, Message = "Streaming job {Job}: stop requested, stopped reading; finishing open windows")]
    public static partial void Stopping(ILogger logger, string job);

    [LoggerMessage(EventId = 4, EventName = "StreamingJobStopped", Level = LogLevel.Information, Message = "Streaming job {Job} stopped after {Elapsed}: {ElementsIn} elements in, {ElementsOut} out, {LateDropped} late dropped, {DeadLettered} dead-lettered")]
    public static partial void Stopped(ILogger logger, string job, TimeSpan elapsed, long elementsIn, long elementsOut, long lateDropped, long deadLettered);

    [LoggerMessage(EventId = 5, EventName = "StreamingJobLateDropped", Level = LogLevel.Warning, Message = "Streaming job {Job} dropped {LateDropped} late elements: their windows had already fired")]
    public static partial void LateDropped(ILogger logger, string job, long lateDropped);

    [LoggerMessage(EventId = 6, EventName = "StreamingJobDeadLettered", Level = LogLevel.Warning, Message = "Streaming job {Job} set aside {DeadLettered} malformed records")]
    public static partial void DeadLettered(ILogger logger, string job, long deadLettered);

    [LoggerMessage(EventId = 7, EventName = "StreamingJobFailed", Level = LogLevel.Error, Message = "Streaming job {Job} failed while {Phase} after {ElementsIn} elements in")]
    public static partial void Failed(ILogger logger, Exception exception, string job, string phase, long elementsIn);
}
