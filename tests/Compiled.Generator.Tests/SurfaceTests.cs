using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Compiled.Generator.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Generator.Tests;

/// <summary>
/// One mistake, one message: a declaration the generator cannot compile still gets the runner's surface
/// (PlanDescription, Runner, CreateRunner, Results, Run for the inputs and outputs it could read), whose members
/// throw with the errors, so that the code calling them compiles and only the declaration's errors are reported.
/// </summary>
public sealed class SurfaceTests
{
    private const string Prelude = """
        using System;
        using System.Collections.Generic;
        using Compiled;

        namespace Demo;

        """;

    private const string Calls = """

        public static class Host
        {
            public static string Plan() => Moderation.PlanDescription;

            public static object Batch() => Moderation.Run(users: new[] { "ann" }, blocked: new[] { "bob" });

            public static void Stream()
            {
                var runner = Moderation.CreateRunner(allowed: new ListSink<string>(), tooLate: new ListSink<KV<string, long>>());
                runner.PushUsers("ann");
                runner.Finish();
            }

            public static int Count(Moderation.Results results) => results.Allowed.Count + results.TooLateElements.Count;

            public static void StreamOnEveryCore()
            {
                using var parallel = Moderation.CreateParallelRunner(
                    allowed: () => new ListSink<string>(), tooLate: () => new ListSink<KV<string, string>>(), counts: () => new ListSink<KV<string, long>>());
                parallel.Partition(0).PushUsers("ann");
                parallel.PushBlocked("bob");
                parallel.Finish();
                _ = parallel.AllowedSinks().Length;
            }
        }
        """;

    [Fact]
    public void ALambdaThatIsNotStatic_LeavesTheSurface_AndOnlyItsDiagnostic()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class Moderation
            {
                static void Define(PipelineBuilder p)
                {
                    var blocked = p.Create<string>("blocked");
                    var users = p.Create<string>("users");
                    users.Map(u => u.Trim()).Output("allowed");
                    users.WithKeys(static u => u).CountPerKey(lateData: "too late").Output("counts");
                }
            }
            """ + Calls.Replace("allowed: new ListSink<string>(), tooLate", "allowed: new ListSink<string>(), tooLate: new ListSink<KV<string, string>>(), counts", StringComparison.Ordinal));

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("CMP0006", diagnostic.Id);
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));

        // The inputs in declaration order; the outputs too, the late-data one before the Output that follows it.
        var source = run.SingleSource;
        Assert.Contains("static Results Run(global::System.ReadOnlySpan<string> blocked, global::System.ReadOnlySpan<string> users)", source, StringComparison.Ordinal);
        Assert.Contains("CreateRunner<TAllowed, TTooLate, TCounts>(TAllowed allowed, TTooLate tooLate, TCounts counts)", source, StringComparison.Ordinal);
    }

    [Fact]
    public void ACompilerErrorInDefine_LeavesTheSurface_AndOnlyTheCompilersError()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class Moderation
            {
                static void Define(PipelineBuilder p)
                {
                    var blocked = p.Create<string>("blocked");
                    var users = p.Create<string>("users");
                    users.Mapp(static u => u.Trim()).Output("allowed");
                    users.WithKeys(static u => u).CountPerKey(lateData: "too late").Output("counts");
                }
            }
            """ + Calls.Replace("tooLate: new ListSink<KV<string, long>>()", "tooLate: new ListSink<KV<string, string>>(), counts: new ListSink<KV<string, long>>()", StringComparison.Ordinal));

        Assert.Empty(run.GeneratorDiagnostics);
        var error = Assert.Single(run.CompilationDiagnostics);
        Assert.Equal("CS1061", error.Id);
        Assert.Contains("Mapp", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSurfacesMembers_ThrowWithTheErrors()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class Moderation
            {
                static void Define(PipelineBuilder p)
                {
                    var blocked = p.Create<string>("blocked");
                    var users = p.Create<string>("users");
                    users.Map(u => u.Trim()).Output("allowed");
                    blocked.WithKeys(static u => u).CountPerKey(lateData: "too late").Output("counts");
                }
            }
            """ + Calls.Replace("tooLate: new ListSink<KV<string, long>>()", "tooLate: new ListSink<KV<string, string>>(), counts: new ListSink<KV<string, long>>()", StringComparison.Ordinal));
        Assert.Equal("CMP0006", Assert.Single(run.GeneratorDiagnostics).Id);

        // Build without the generator's error: the surface and the calls are what runs.
        using var stream = new MemoryStream();
        var emitted = run.Output.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext("surface", isCollectible: true);
        try
        {
            stream.Position = 0;
            var host = context.LoadFromStream(stream).GetType("Demo.Host")!;
            var plan = (string)host.GetMethod("Plan")!.Invoke(null, null)!;
            Assert.StartsWith("The pipeline Moderation cannot be generated:", plan, StringComparison.Ordinal);
            Assert.Contains("CMP0006: The lambda passed to Map must be 'static'", plan, StringComparison.Ordinal);
            foreach (var name in new[] { "Batch", "Stream", "StreamOnEveryCore" })
            {
                var thrown = Assert.Throws<TargetInvocationException>(() => host.GetMethod(name)!.Invoke(null, null));
                var inner = Assert.IsType<InvalidOperationException>(thrown.InnerException);
                Assert.Equal(plan, inner.Message);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void AClassWithoutAValidDefine_GetsTheSurfaceOfItsMisdeclaredDefine()
    {
        var run = GeneratorHarness.Run(Prelude + """
            [Pipeline]
            public partial class Doubler
            {
                void Define(PipelineBuilder p) =>
                    p.Create<int>("numbers").Map(static x => x * 2).Output("doubled");
            }

            public static class Host
            {
                public static int Count() => Doubler.Run(numbers: new[] { 1 }).Doubled.Count + Doubler.CreateRunner(doubled: new ListSink<int>()).DroppedLateElements.GetHashCode();
            }
            """);
        Assert.Equal("CMP0002", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Empty(run.CompilationDiagnostics.Select(d => d.ToString()));
    }
}
