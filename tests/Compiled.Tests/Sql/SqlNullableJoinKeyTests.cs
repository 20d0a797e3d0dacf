using System;
using System.Collections.Generic;
using System.Linq;
using Compiled;
using CsCheck;
using Xunit;

namespace Compiled.Tests.Sql;

public sealed record Employee(string Name, int? Dept);

public sealed record Department(long? Id, string Title);

public sealed record EmployeeDepartment(string? Name, string? Title);

/// <summary>Join keys that may be NULL: NULL never equals anything, so such a row meets no row of the other side.</summary>
[Pipeline]
public partial class SqlNullableJoinKeys
{
    static void Define(PipelineBuilder p)
    {
        var employees = p.Create<Employee>("employees");
        var departments = p.Create<Department>("departments");
        p.Sql<EmployeeDepartment>("SELECT name, title FROM employees JOIN departments ON dept = id", employees.AsTable("employees"), departments.AsTable("departments")).Output("inner");
        p.Sql<EmployeeDepartment>("SELECT name, title FROM employees FULL JOIN departments ON dept = id", employees.AsTable("employees"), departments.AsTable("departments")).Output("full");
    }
}

public class SqlNullableJoinKeyTests
{
    private static readonly Gen<Employee[]> Employees = Gen.Select(
        Gen.OneOf(Gen.Const("ann"), Gen.Const("bob"), Gen.Const("cy")),
        Gen.OneOf(Gen.Const((int?)null), Gen.Const((int?)1), Gen.Const((int?)2)),
        (name, dept) => new Employee(name, dept)).Array[0, 20];

    private static readonly Gen<Department[]> Departments = Gen.Select(
        Gen.OneOf(Gen.Const((long?)null), Gen.Const((long?)1), Gen.Const((long?)3)),
        Gen.OneOf(Gen.Const("ops"), Gen.Const("dev")),
        (id, title) => new Department(id, title)).Array[0, 6];

    private static List<EmployeeDepartment> Order(IEnumerable<EmployeeDepartment> rows) =>
        rows.OrderBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Title, StringComparer.Ordinal).ToList();

    [Fact(DisplayName = "Join keys that may be NULL (INTEGER? = BIGINT?): inner and full joins never match a NULL, as SQL's = does; equal to LINQ at parallelism 1 and 2")]
    public void NullKeysNeverMatch() => Gen.Select(Employees, Departments).Sample((employees, departments) =>
    {
        bool Match(Employee e, Department d) => e.Dept is { } k && d.Id is { } id && k == id;
        var inner = employees.SelectMany(e => departments.Where(d => Match(e, d)).Select(d => new EmployeeDepartment(e.Name, d.Title)));
        var full = employees.SelectMany(e => departments.Any(d => Match(e, d))
                ? departments.Where(d => Match(e, d)).Select(d => new EmployeeDepartment(e.Name, d.Title))
                : new[] { new EmployeeDepartment(e.Name, null) })
            .Concat(departments.Where(d => !employees.Any(e => Match(e, d))).Select(d => new EmployeeDepartment(null, d.Title)));
        foreach (var results in new[] { SqlNullableJoinKeys.Run(employees, departments), SqlNullableJoinKeys.Run(employees, departments, parallelism: 2) })
        {
            Assert.Equal(Order(inner), Order(results.Inner));
            Assert.Equal(Order(full), Order(results.Full));
        }
    }, iter: 80);
}
