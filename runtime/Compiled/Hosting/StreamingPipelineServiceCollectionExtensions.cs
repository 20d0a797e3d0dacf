using System;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compiled.Hosting;

/// <summary>Registers streaming jobs as hosted services.</summary>
public static class StreamingPipelineServiceCollectionExtensions
{
    /// <summary>
    /// Runs <typeparamref name="TJob"/> (a singleton, created by the container) as a hosted
    /// <see cref="StreamingPipelineService{TJob}"/>, which is also registered, to be resolved for its
    /// <see cref="StreamingPipelineService{TJob}.Completion"/>.
    /// </summary>
    /// <typeparam name="TJob">The job.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> was already added.</exception>
    public static IServiceCollection AddStreamingPipeline<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TJob>(
        this IServiceCollection services, Action<StreamingPipelineOptions>? configure = null)
        where TJob : class, IStreamingJob
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<TJob>();
        return AddService<TJob>(services, configure);
    }

    /// <summary>
    /// Runs the job that <paramref name="factory"/> makes as a hosted <see cref="StreamingPipelineService{TJob}"/>
    /// (also registered, to be resolved for its <see cref="StreamingPipelineService{TJob}.Completion"/>).
    /// </summary>
    /// <typeparam name="TJob">The job.</typeparam>
    /// <param name="services">The host's services.</param>
    /// <param name="factory">Makes the job (called once).</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> was already added.</exception>
    public static IServiceCollection AddStreamingPipeline<TJob>(
        this IServiceCollection services, Func<IServiceProvider, TJob> factory, Action<StreamingPipelineOptions>? configure = null)
        where TJob : class, IStreamingJob
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        return AddService<TJob>(services, configure);
    }

    private static IServiceCollection AddService<TJob>(IServiceCollection services, Action<StreamingPipelineOptions>? configure)
        where TJob : class, IStreamingJob
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(StreamingPipelineService<TJob>))
            {
                throw new InvalidOperationException($"The streaming job {typeof(TJob).Name} was already added.");
            }
        }

        var options = new StreamingPipelineOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(provider => new StreamingPipelineService<TJob>(
            provider.GetRequiredService<TJob>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<StreamingPipelineService<TJob>>(),
            provider.GetService<IHostApplicationLifetime>(),
            options));
        services.AddHostedService(provider => provider.GetRequiredService<StreamingPipelineService<TJob>>());
        return services;
    }
}
