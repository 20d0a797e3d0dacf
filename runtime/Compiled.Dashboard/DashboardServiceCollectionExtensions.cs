using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Compiled.Dashboard;

/// <summary>Adds the live dashboard to a host.</summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Serves a live dashboard of the host's Compiled jobs on <c>http://127.0.0.1:4040/</c> (see <see cref="DashboardOptions"/>):
    /// the fused plan as a graph, elements in and out with their rates, watermarks, state, late data, dead letters,
    /// backpressure and batch progress, updated without reloading.
    /// </summary>
    /// <remarks>
    /// The metrics collector starts listening at once, so that every runner created after this call is shown; a
    /// runner created before it is not. <see cref="DeadLetterLog"/> and <see cref="DashboardCollector"/> are registered
    /// as singletons: a job records its dead letters in the former.
    /// </remarks>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options; <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The dashboard was already added.</exception>
    public static IServiceCollection AddCompiledDashboard(this IServiceCollection services, Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(DashboardCollector))
            {
                throw new InvalidOperationException("The Compiled dashboard was already added.");
            }
        }

        var options = new DashboardOptions();
        configure?.Invoke(options);
        options.Validate();

        // Created now, not when first resolved: runners register with the metrics only while a listener is subscribed.
        var collector = new DashboardCollector(new DeadLetterLog(options.DeadLetterReasonsKept), options.Title);
        services.AddSingleton(options);
        services.AddSingleton(collector);
        services.AddSingleton(collector.DeadLetters);
        services.TryAddSingleton(provider => new DashboardHostedService(
            provider.GetRequiredService<DashboardOptions>(), provider.GetRequiredService<DashboardCollector>(), provider.GetService<ILoggerFactory>()));
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<DashboardHostedService>());
        return services;
    }
}
