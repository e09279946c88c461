using PartnerAssistant.Deals;
using PartnerAssistant.PartnerProgram;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>The dashboard's CSV writes what a caller typed (the region filter) as text, never as a formula.</summary>
public sealed class MetricsCsvTests
{
    [Fact]
    public async Task ToCsv_FormulaInTheRegionFilter_IsWrittenAsText()
    {
        await using var host = await ProgramTestHost.CreateAsync(PartnerAssistant.Hosting.DatabaseProvider.Sqlite);
        var maya = await host.CallerAsync("maya-chen");
        var filter = new MetricsFilter(new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31), Region: "=HYPERLINK(\"http://evil.example/\",\"x\")");

        var csv = ProgramMetricsService.ToCsv(await host.Metrics.ComputeAsync(maya, filter, TestContext.Current.CancellationToken));
        var rows = DealCsv.Read(new StringReader(csv)).Select(r => r.Fields).ToList();

        Assert.Contains(rows, r => r[1] == "region" && r[3] == "'=HYPERLINK(\"http://evil.example/\",\"x\")");
        Assert.All(rows.SelectMany(r => r), cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '@'));
    }
}
