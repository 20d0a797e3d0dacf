using System.Threading;
using System.Threading.Tasks;

namespace Compiled.Hosting;

/// <summary>
/// A streaming pipeline run by a host: reads its source and pushes into a generated runner until the
/// source ends or it is asked to stop, then finishes the windows still open.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StreamingPipelineService{TJob}"/> calls <see cref="RunAsync"/> once, then (unless it failed)
/// <see cref="DrainAsync"/> once, one after the other: a generated runner is not thread-safe, and the
/// two calls never overlap, so the job needs no locking of its own.
/// </para>
/// <para>
/// A typical job holds one runner, pushes each element with its event timestamp, advances the watermark
/// as it goes (<c>runner.AdvanceWatermark(t)</c>), and drains with <c>runner.Finish()</c>, which fires
/// every open window.
/// </para>
/// </remarks>
public interface IStreamingJob
{
    /// <summary>
    /// Reads the source and pushes its elements into the runner until the source ends (return) or
    /// <paramref name="stoppingToken"/> is cancelled (return, or throw <see cref="System.OperationCanceledException"/>).
    /// </summary>
    /// <param name="stoppingToken">Cancelled when the host is stopping: stop reading promptly.</param>
    /// <returns>A task that completes when reading has stopped; faulted if the job failed.</returns>
    Task RunAsync(CancellationToken stoppingToken);

    /// <summary>
    /// Finishes the panes still in flight after reading has stopped: typically the runner's
    /// <c>Finish()</c>, which fires every open window. Not called if <see cref="RunAsync"/> failed.
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host's shutdown timeout has expired.</param>
    /// <returns>A task that completes when every in-flight pane has been delivered.</returns>
    Task DrainAsync(CancellationToken cancellationToken);

    /// <summary>The job's counts so far (elements in and out, late elements dropped, dead letters), for logs.</summary>
    StreamingJobCounts Counts { get; }
}
