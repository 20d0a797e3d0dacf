using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Compiled.Diagnostics;
using Microsoft.Playwright;
using StreamingScores;
using Xunit;

namespace Compiled.Dashboard.Tests;

/// <summary>
/// The page in a real browser: Debian's headless Chromium driven by Playwright over the DevTools protocol. The test
/// fails (it does not skip) when Chromium is missing: <c>.ci/run</c> installs it.
/// </summary>
[Collection(nameof(DashboardPageTests))]
public class DashboardPageTests
{
    /// <summary>Where Debian installs Chromium; <c>COMPILED_CHROMIUM</c> overrides it.</summary>
    private static string ChromiumPath => Environment.GetEnvironmentVariable("COMPILED_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    [Fact(DisplayName = "StreamingScores with the dashboard: the page draws the plan and shows the runner's own counts per input, output and stateful transform, live")]
    public async Task PageShowsThePlanAndTheRunnersCounts()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}: install it with 'apt-get install -y chromium' (.ci/run does).");

        Runners.ForgetEarlierRuns();
        await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions { Port = 0, RefreshInterval = TimeSpan.FromMilliseconds(100) });
        using var input = new StreamReader(EventsFile());
        var job = new ScoresJob(input, TextWriter.Null, TextWriter.Null, TimeSpan.FromSeconds(5), d => dashboard.DeadLetters.Record($"line {d.Line}: {d.Reason}"));

        // Read the whole file but keep the last windows open: their state shows on the page.
        await job.RunAsync(CancellationToken.None);
        var expected = Counts(job.RunnerMetrics);
        Assert.Equal(job.Lines, expected.In["lines"]);

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" },
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(dashboard.Url.ToString());

        // The graph: one node per transform of the plan, inputs and outputs named.
        await page.WaitForSelectorAsync("svg.plan g.node[data-kind=input][data-name=lines]");
        var nodes = await page.Locator("svg.plan g.node").CountAsync();
        Assert.Equal(job.RunnerMetrics.PlanMermaid.Split('\n').Count(l => l.TrimStart().StartsWith('n') && !l.Contains("-->") && !l.Contains("==>") && !l.Contains(".->")), nodes);

        foreach (var (name, count) in expected.In)
        {
            await WaitForValue(page, $"tr[data-input='{name}'] td.count", count);
            await WaitForValue(page, $"svg.plan g.node[data-kind=input][data-name='{name}'] text.count", count);
        }

        foreach (var (name, count) in expected.Out)
        {
            await WaitForValue(page, $"tr[data-output='{name}'] td.count", count);
            await WaitForValue(page, $"svg.plan g.node[data-kind=output][data-name='{name}'] text.count", count);
        }

        Assert.NotEmpty(expected.State);
        foreach (var (id, size) in expected.State)
        {
            await WaitForValue(page, $"tr[data-transform='{id}'] td.count", size);
            await WaitForValue(page, $"svg.plan g.node[data-node='n{id}'] text.count", size);
        }

        // The pipeline counts every transform (CountEveryTransform): the fused ones show the elements that reached them.
        var fused = new List<Measurement<long>>();
        job.RunnerMetrics.ReportTransformElementsIn(fused);
        var steps = await page.Locator("svg.plan g.node[data-kind=step]").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.node)");
        Assert.NotEmpty(steps);
        foreach (var step in steps)
        {
            var count = fused.Single(x => Tag(x, "transform").StartsWith("#" + step[1..] + " ", StringComparison.Ordinal));
            await WaitForValue(page, $"svg.plan g.node[data-node='{step}'] text.count", count.Value);
        }

        // Dead letters: the sample data has malformed lines; the last ten reasons are listed, the newest first.
        Assert.True(job.Malformed > 0);
        await WaitForValue(page, "#deadletters-count", job.Malformed);
        Assert.Equal((int)Math.Min(job.Malformed, 10), await page.Locator("#deadletters-last li").CountAsync());
        Assert.Contains(dashboard.DeadLetters.LastReasons()[^1].Reason, await page.Locator("#deadletters-last li").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("not enabled", await page.Locator("#checkpoints").TextContentAsync());

        // Live: finishing fires the open windows, and the page shows the new totals without a reload.
        var version = await page.EvaluateAsync<string>("document.body.dataset.version");
        await job.DrainAsync(CancellationToken.None);
        var finished = Counts(job.RunnerMetrics);
        Assert.True(finished.Out["teamTotals"] > expected.Out["teamTotals"]);
        await WaitForValue(page, "tr[data-output='teamTotals'] td.count", finished.Out["teamTotals"]);
        Assert.NotEqual(version, await page.EvaluateAsync<string>("document.body.dataset.version"));

        var screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var file = Path.Combine(screenshots, "dashboard-streamingscores.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        Assert.True(new FileInfo(file).Length > 10_000);
        Assert.Empty(errors);
        GC.KeepAlive(job);
    }

    [Fact(DisplayName = "A batch progress over a file shows its percent done and time left on the page")]
    public async Task BatchProgressShowsPercentAndTimeLeft()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium is missing at {ChromiumPath}: install it with 'apt-get install -y chromium' (.ci/run does).");
        await using var dashboard = await DashboardServer.StartAsync(new DashboardOptions { Port = 0, RefreshInterval = TimeSpan.FromMilliseconds(100) });
        long done = 250;
        using var progress = BatchProgress.StartOn(TextWriter.Null, () => Interlocked.Read(ref done), 1000, "bytes", interactive: false, TimeSpan.FromSeconds(1));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage" },
        });
        var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        await page.GotoAsync(dashboard.Url.ToString());
        await page.WaitForSelectorAsync("#progress [data-percent='25']");
        Assert.Contains("left", await page.Locator("#progress").TextContentAsync(), StringComparison.Ordinal);
        Interlocked.Exchange(ref done, 500);
        await page.WaitForSelectorAsync("#progress [data-percent='50']");
        Assert.Empty(errors);
    }

    private static async Task WaitForValue(IPage page, string selector, long value)
    {
        try
        {
            await page.WaitForFunctionAsync(
                "([selector, value]) => document.querySelector(selector)?.getAttribute('data-value') === value",
                new object[] { selector, value.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            var shown = await page.EvaluateAsync<string?>("selector => document.querySelector(selector)?.getAttribute('data-value') ?? null", selector);
            Assert.Fail($"{selector}: the page shows {shown ?? "nothing"}, the runner counts {value}");
        }
    }

    private static (Dictionary<string, long> In, Dictionary<string, long> Out, Dictionary<int, long> State) Counts(IRunnerMetrics runner)
    {
        var m = new List<Measurement<long>>();
        runner.ReportElementsIn(m);
        var inputs = m.ToDictionary(x => Tag(x, "input"), x => x.Value);
        m.Clear();
        runner.ReportElementsOut(m);
        var outputs = m.ToDictionary(x => Tag(x, "output"), x => x.Value);
        m.Clear();
        runner.ReportStateSize(m);
        var state = m.ToDictionary(x => int.Parse(Tag(x, "transform")[1..Tag(x, "transform").IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture), x => x.Value);
        return (inputs, outputs, state);
    }

    private static string Tag(Measurement<long> measurement, string name)
    {
        foreach (var tag in measurement.Tags)
        {
            if (tag.Key == name)
            {
                return (string)tag.Value!;
            }
        }

        throw new InvalidOperationException("no tag " + name);
    }

    private static string EventsFile()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "data", "game-events.csv");
        if (File.Exists(beside))
        {
            return beside;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "data", "game-events.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/data/game-events.csv");
    }
}
