using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Compiled.Hosting;

/// <summary>
/// Runs an <see cref="IStreamingJob"/> as a hosted background service: reads until the source ends or the
/// host stops, then finishes the panes in flight before the host's shutdown completes.
/// </summary>
/// <remarks>
/// <para>
/// Graceful shutdown: when the host stops, the job's stopping token is cancelled so it stops reading; the
/// service then drains the job (the runner's <c>Finish()</c> fires every open window) and only then lets
/// <c>StopAsync</c> complete, so every pane is delivered before the host is gone. The drain's token is
/// cancelled if the host's shutdown timeout expires first.
/// </para>
/// <para>
/// Errors are logged and surfaced: a failing job is logged with its exception, <see cref="Completion"/>
/// faults with it, and the exception leaves <c>ExecuteAsync</c>, so the host logs it too and, with the
/// default <c>BackgroundServiceExceptionBehavior.StopHost</c>, stops. A failed job is not drained: its
/// open windows would hold partial results.
/// </para>
/// <para>Register it with <see cref="StreamingPipelineServiceCollectionExtensions.AddStreamingPipeline{TJob}(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{StreamingPipelineOptions}?)"/>.</para>
/// </remarks>
/// <typeparam name="TJob">The job.</typeparam>
public sealed class StreamingPipelineService<TJob> : BackgroundService
    where TJob : class, IStreamingJob
{
    private readonly ILogger _logger;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly StreamingPipelineOptions _options;
    private readonly CancellationTokenSource _drainAbort = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the service for <paramref name="job"/>.</summary>
    /// <param name="job">The job to run.</param>
    /// <param name="logger">Where to log start, stop, counts and failures; <see langword="null"/> logs nothing.</param>
    /// <param name="lifetime">The host's lifetime, to stop the host when the source ends (see <see cref="StreamingPipelineOptions.StopHostWhenSourceEnds"/>); may be <see langword="null"/>.</param>
    /// <param name="options">How to run the job; <see langword="null"/> for the defaults.</param>
    public StreamingPipelineService(TJob job, ILogger? logger = null, IHostApplicationLifetime? lifetime = null, StreamingPipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        options ??= new StreamingPipelineOptions();
        options.Validate();
        Job = job;
        _logger = logger ?? NullLogger.Instance;
        _lifetime = lifetime;
        _options = options;
        Name = options.Name ?? typeof(TJob).Name;
    }

    /// <summary>The job this service runs.</summary>
    public TJob Job { get; }

    /// <summary>The name the job is logged under.</summary>
    public string Name { get; }

    /// <summary>
    /// Completes when the job has stopped reading and drained; faults with the job's exception if it failed;
    /// is cancelled if the host stopped before the job started.
    /// </summary>
    public Task Completion => _completion.Task;

    /// <summary>Runs the job, then drains it. Called by the host.</summary>
    /// <param name="stoppingToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the job has drained, faulted if it failed.</returns>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var drainToken = _drainAbort.Token;
        var stopwatch = Stopwatch.StartNew();
        var phase = "reading";
        try
        {
            Log.Started(_logger, Name);
            bool stopRequested;
            try
            {
                await Job.RunAsync(stoppingToken).ConfigureAwait(false);
                stopRequested = stoppingToken.IsCancellationRequested;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                stopRequested = true;
            }

            if (stopRequested)
            {
                Log.Stopping(_logger, Name);
            }
            else
            {
                Log.SourceEnded(_logger, Name);
            }

            phase = "finishing open windows";
            await Job.DrainAsync(drainToken).ConfigureAwait(false);

            var counts = Job.Counts;
            Log.Stopped(_logger, Name, stopwatch.Elapsed, counts.ElementsIn, counts.ElementsOut, counts.LateDropped, counts.DeadLettered);
            if (counts.LateDropped > 0)
            {
                Log.LateDropped(_logger, Name, counts.LateDropped);
            }

            if (counts.DeadLettered > 0)
            {
                Log.DeadLettered(_logger, Name, counts.DeadLettered);
            }

            _completion.TrySetResult();
            if (!stopRequested && _options.StopHostWhenSourceEnds)
            {
                _lifetime?.StopApplication();
            }
        }
        catch (Exception exception)
        {
            Log.Failed(_logger, exception, Name, phase, ElementsInOrZero());
            _completion.TrySetException(exception);
            throw;
        }
    }

    /// <summary>
    /// Stops the job: cancels its stopping token and waits until it has drained (or until
    /// <paramref name="cancellationToken"/>, the host's shutdown timeout, is cancelled, which also cancels the drain).
    /// </summary>
    /// <param name="cancellationToken">Cancelled when the host's shutdown timeout expires.</param>
    /// <returns>A task that completes when the job has drained or the timeout has expired.</returns>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _drainAbort))
        {
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (ExecuteTask is null || ExecuteTask.IsCanceled)
        {
            _completion.TrySetCanceled(CancellationToken.None);
        }
    }

    /// <summary>Releases the service's resources.</summary>
    public override void Dispose()
    {
        base.Dispose();
        _drainAbort.Dispose();
    }

    private long ElementsInOrZero()
    {
        try
        {
            return Job.Counts.ElementsIn;
        }
        catch (Exception)
        {
            // Counts are only for the log line; a job broken enough to fail here has its exception logged anyway.
            return 0;
        }
    }
}
