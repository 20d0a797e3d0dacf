using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Compiled.Analyzers.Diagnostics;
using Compiled.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Compiled.Analyzers.Tests.Diagnostics;

/// <summary>
/// Every diagnostic's help link, the generator's and the analyzers', is the page of its ID in this repository's
/// docs/diagnostics on the branch the package is built from: the link is the package's repository URL (the
/// RepositoryUrl the package is stamped with) followed by /blob/main/docs/diagnostics/ID.md, and that file exists
/// here and is titled with the descriptor's ID and title.
/// </summary>
public sealed class HelpLinkTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    /// <summary>Every DiagnosticDescriptor held in a static field of the generator's and the analyzers' descriptor classes.</summary>
    public static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        new[] { typeof(PipelineGenerator).Assembly, typeof(DiagnosticDescriptors).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.Name == "DiagnosticDescriptors")
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!);

    [Fact]
    public void EveryDescriptorLinksToItsPageInTheRepository()
    {
        var descriptors = AllDescriptors().ToList();
        Assert.Contains(descriptors, d => d.Id == "CMP0001");
        Assert.Contains(descriptors, d => d.Id == "CMP0099");
        Assert.Contains(descriptors, d => d.Id == "CMP4001");
        Assert.True(descriptors.Count >= 31, descriptors.Count + " descriptors found");

        var prefix = RepositoryUrl() + "/blob/" + PublishedBranch + "/docs/diagnostics/";
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase, prefix);
        foreach (var descriptor in descriptors)
        {
            Assert.Equal(prefix + descriptor.Id + ".md", descriptor.HelpLinkUri);
            var page = Path.Combine(RepoRoot, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(File.Exists(page), descriptor.Id + ": its help link points at docs/diagnostics/" + descriptor.Id + ".md, which does not exist");
            Assert.StartsWith("# " + descriptor.Id + ": " + descriptor.Title, File.ReadAllText(page), StringComparison.Ordinal);
        }

        // And the other way: every page is the page of a descriptor (a retired rule keeps its descriptor's ID).
        var ids = descriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var page in Directory.GetFiles(Path.Combine(RepoRoot, "docs", "diagnostics"), "CMP*.md"))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(page), ids);
        }
    }

    /// <summary>The branch the links name: the repository's default branch, the one packages are built from.</summary>
    private const string PublishedBranch = "main";

    /// <summary>The RepositoryUrl of the package (runtime/Compiled/Compiled.csproj), which the nuspec carries.</summary>
    private static string RepositoryUrl()
    {
        var project = File.ReadAllText(Path.Combine(RepoRoot, "runtime", "Compiled", "Compiled.csproj"));
        var match = Regex.Match(project, "<RepositoryUrl>([^<]+)</RepositoryUrl>");
        Assert.True(match.Success, "Compiled.csproj has no RepositoryUrl");
        return match.Groups[1].Value.TrimEnd('/');
    }

    private static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Compiled.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Compiled.sln not found above " + AppContext.BaseDirectory);
    }
}
