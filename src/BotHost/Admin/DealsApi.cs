using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using BotHost.Operations;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace BotHost.Admin;

/// <summary>
/// Deal registrations over HTTP: registrations filtered by the caller's rights (partners see their own
/// organisation's), attribution, revenue and ROPI per partner and partner type, program investment,
/// the review queue, the audit log, and CSV import/export. The registry applies the rights; this only
/// translates HTTP.
/// </summary>
public static class DealsApi
{
    private static readonly Role[] Everyone = [Role.ChannelManager, Role.SalesRep, Role.PartnerAdmin, Role.PartnerUser];
    private static readonly Role[] Internal = [Role.ChannelManager, Role.SalesRep];

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/registrations", ListAsync).RequireAdminRole(Everyone);
        group.MapGet("/registrations/{number}", FindAsync).RequireAdminRole(Everyone);
        group.MapGet("/reviews", ReviewsAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/audit", AuditAsync).RequireAdminRole(Internal);
        group.MapGet("/attribution", AttributionAsync).RequireAdminRole(Internal);
        group.MapGet("/revenue", RevenueAsync).RequireAdminRole(Internal);
        group.MapGet("/investments", ListInvestmentsAsync).RequireAdminRole(Internal);
        group.MapPut("/investments", SetInvestmentAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/export", ExportAsync).RequireAdminRole(Internal);
        group.MapPost("/import", ImportAsync).RequireAdminRole(Role.ChannelManager).Accepts<string>("text/csv")
            .WithBodyLimit(((IEndpointRouteBuilder)group).ServiceProvider.GetRequiredService<IOptions<RequestLimitsOptions>>().Value.ImportMaxBodyBytes);
    }

    /// <summary>A program investment row as the API takes it (amounts in the reporting currency).</summary>
    public sealed record InvestmentInput([property: MaxLength(64)] string PartnerId, DateOnly PeriodStart, DateOnly PeriodEnd, decimal Mdf, decimal Rebates, decimal Enablement);

    private static Task<IResult> ListAsync(HttpContext http, DealRegistry registry, string? status, string? partner, string? customer, bool? open, int? limit) => Guard(async () =>
    {
        var statuses = new List<RegistrationStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            statuses.Add(DealCsv.ParseStatus(part) ?? throw new DealValidationException([$"Unknown status \"{part}\"."]));
        }

        var filter = new RegistrationFilter { Statuses = statuses, PartnerId = partner, Customer = customer, OpenOnly = open == true, Limit = limit ?? 500 };
        return Results.Ok(await registry.ListAsync(CallerOf(http), filter, http.RequestAborted));
    });

    private static Task<IResult> FindAsync(HttpContext http, DealRegistry registry, string number) => Guard(async () =>
        Results.Ok(await registry.FindAsync(CallerOf(http), ParseNumber(number), http.RequestAborted)));

    private static Task<IResult> ReviewsAsync(HttpContext http, DealRegistry registry) => Guard(async () =>
        Results.Ok(await registry.ReviewQueueAsync(CallerOf(http), http.RequestAborted)));

    private static Task<IResult> AuditAsync(HttpContext http, DealRegistry registry, string? number) => Guard(async () =>
        Results.Ok(await registry.AuditAsync(CallerOf(http), number is null ? null : ParseNumber(number), http.RequestAborted)));

    private static Task<IResult> AttributionAsync(HttpContext http, AttributionService attribution, string? model, string? from, string? to, string? deal) => Guard(async () =>
    {
        var chosen = Model(model);
        return deal is not null
            ? Results.Ok(await attribution.ForDealAsync(CallerOf(http), ParseNumber(deal), chosen, http.RequestAborted))
            : Results.Ok(await attribution.ForPeriodAsync(CallerOf(http), chosen, Date(from, "from"), Date(to, "to"), http.RequestAborted));
    });

    private static Task<IResult> RevenueAsync(HttpContext http, AttributionService attribution, string? model, string? from, string? to) => Guard(async () =>
        Results.Ok(await attribution.RevenueAsync(CallerOf(http), Model(model), Date(from, "from"), Date(to, "to"), http.RequestAborted)));

    private static Task<IResult> ListInvestmentsAsync(HttpContext http, DealRegistry registry, string? partner) => Guard(async () =>
        Results.Ok(await registry.ListInvestmentsAsync(CallerOf(http), partner, http.RequestAborted)));

    private static Task<IResult> SetInvestmentAsync(HttpContext http, DealRegistry registry, InvestmentInput input) => Guard(async () =>
        Results.Ok(await registry.SetInvestmentAsync(CallerOf(http), input.PartnerId, input.PeriodStart, input.PeriodEnd, input.Mdf, input.Rebates, input.Enablement, http.RequestAborted)));

    private static Task<IResult> ExportAsync(HttpContext http, DealRegistry registry) => Guard(async () =>
    {
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        await registry.ExportCsvAsync(CallerOf(http), writer, http.RequestAborted);
        return Results.Text(writer.ToString(), "text/csv; charset=utf-8", Encoding.UTF8);
    });

    private static Task<IResult> ImportAsync(HttpContext http, DealRegistry registry, string? source) => Guard(async () =>
    {
        // The CSV reader reads synchronously; Kestrel only allows asynchronous reads of the body.
        using var body = new StreamReader(http.Request.Body, Encoding.UTF8);
        using var reader = new StringReader(await body.ReadToEndAsync(http.RequestAborted));
        var report = await registry.ImportCsvAsync(CallerOf(http), reader, source ?? "the admin API", http.RequestAborted);
        return Results.Ok(report);
    });

    /// <summary>The local administrator (development mode) acts as a channel manager.</summary>
    private static Caller CallerOf(HttpContext http) =>
        AdminAccess.Current(http).Caller ?? DealActors.Administrator("local-admin", "Local administrator");

    private static long ParseNumber(string text) =>
        RegistrationNumber.Parse(text) ?? throw new DealValidationException([$"\"{text}\" is not a registration number like DR-1042."]);

    private static AttributionModel Model(string? name) =>
        name is null ? AttributionModel.Linear
            : AttributionModels.Parse(name) ?? throw new DealValidationException([$"\"{name}\" is not an attribution model; use first-touch, last-touch, linear, time-decay, position-based, w-shaped or shapley."]);

    private static DateOnly? Date(string? text, string name) =>
        string.IsNullOrWhiteSpace(text) ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw new DealValidationException([$"{name} \"{text}\" is not a date like 2026-03-31."]);

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (DealValidationException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid request", detail: string.Join(" ", ex.Problems));
        }
        catch (DealNotFoundException ex)
        {
            return Results.Problem(statusCode: 404, title: "Not found", detail: ex.Message);
        }
        catch (DealAccessDeniedException ex)
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: ex.Message);
        }
        catch (DealRuleException ex)
        {
            return Results.Problem(statusCode: 409, title: "Not allowed by the program rules", detail: ex.Message);
        }
    }
}
