using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using PartnerAssistant.Deals;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace BotHost.Admin;

/// <summary>
/// Partner program operations over HTTP (<c>/api/admin/program</c>): onboarding, tiers, MDF, PSAT and the program
/// audit log; and the dashboard's figures at <c>/api/program/metrics</c> (JSON, or CSV with <c>?format=csv</c>).
/// The services apply the rights (partners see and act for their own organisation only); this only translates HTTP.
/// </summary>
public static class ProgramApi
{
    private static readonly Role[] Everyone = [Role.ChannelManager, Role.SalesRep, Role.PartnerAdmin, Role.PartnerUser];
    private static readonly Role[] Internal = [Role.ChannelManager, Role.SalesRep];
    private static readonly Role[] Admins = [Role.ChannelManager, Role.PartnerAdmin];

    public static void Map(WebApplication app, RouteGroupBuilder group)
    {
        app.MapGet("/api/program/metrics", MetricsAsync).RequireAdminRole(Everyone);
        // The page itself carries no figures; it asks /api/program/metrics with the viewer's credentials.
        app.MapGet("/dashboard", () => Results.File(Path.Combine(AppContext.BaseDirectory, "wwwroot", "dashboard.html"), "text/html; charset=utf-8"));
        group.MapGet("/onboardings", OnboardingsAsync).RequireAdminRole(Internal);
        group.MapPost("/onboardings", InviteAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/onboardings/{organisation}", OnboardingAsync).RequireAdminRole(Everyone);
        group.MapPost("/onboardings/{organisation}/agreement", SignAgreementAsync).RequireAdminRole(Admins);
        group.MapPost("/onboardings/{organisation}/attestations", AttestAsync).RequireAdminRole(Admins);
        group.MapPost("/onboardings/{organisation}/courses", CompleteCoursesAsync).RequireAdminRole(Everyone);
        group.MapGet("/onboardings/{organisation}/certifications", CertificationsAsync).RequireAdminRole(Everyone);
        group.MapPost("/onboardings/{organisation}/certifications", CertifyAsync).RequireAdminRole(Everyone);

        group.MapGet("/tiers/proposals", ProposalsAsync).RequireAdminRole(Internal);
        group.MapPost("/tiers/proposals/{id:long}/confirm", (HttpContext http, TierService tiers, long id, DecisionInput? input) => DecideTierAsync(http, tiers, id, true, input))
            .RequireAdminRole(Role.ChannelManager);
        group.MapPost("/tiers/proposals/{id:long}/hold", (HttpContext http, TierService tiers, long id, DecisionInput? input) => DecideTierAsync(http, tiers, id, false, input))
            .RequireAdminRole(Role.ChannelManager);
        group.MapPost("/tiers/evaluate", EvaluateAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/tiers/{organisation}", ScorecardAsync).RequireAdminRole(Everyone);
        group.MapPut("/tiers/{organisation}/facts", SetFactsAsync).RequireAdminRole(Role.ChannelManager);

        group.MapGet("/mdf/balances/{organisation}", BalancesAsync).RequireAdminRole(Everyone);
        group.MapPut("/mdf/budgets/{organisation}", SetBudgetAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/mdf/requests", ListRequestsAsync).RequireAdminRole(Everyone);
        group.MapPost("/mdf/requests", RequestFundsAsync).RequireAdminRole(Admins);
        group.MapGet("/mdf/requests/{number}", FindRequestAsync).RequireAdminRole(Everyone);
        group.MapPost("/mdf/requests/{number}/approve", ApproveAsync).RequireAdminRole(Role.ChannelManager);
        group.MapPost("/mdf/requests/{number}/decline", DeclineAsync).RequireAdminRole(Role.ChannelManager);
        group.MapPost("/mdf/requests/{number}/claim", ClaimAsync).RequireAdminRole(Admins);
        group.MapPost("/mdf/requests/{number}/claim/approve", (HttpContext http, MdfService mdf, string number, DecisionInput? input) => DecideClaimAsync(http, mdf, number, true, input))
            .RequireAdminRole(Role.ChannelManager);
        group.MapPost("/mdf/requests/{number}/claim/reject", (HttpContext http, MdfService mdf, string number, DecisionInput? input) => DecideClaimAsync(http, mdf, number, false, input))
            .RequireAdminRole(Role.ChannelManager);
        group.MapPost("/mdf/requests/{number}/paid", MarkPaidAsync).RequireAdminRole(Role.ChannelManager);
        group.MapGet("/mdf/ledger/{organisation}", LedgerAsync).RequireAdminRole(Everyone);

        group.MapGet("/psat/survey", OpenSurveyAsync).RequireAdminRole(Role.PartnerAdmin, Role.PartnerUser);
        group.MapPost("/psat/responses", AnswerSurveyAsync).RequireAdminRole(Role.PartnerAdmin, Role.PartnerUser);
        group.MapGet("/psat", PsatAsync).RequireAdminRole(Internal);

        group.MapGet("/audit", AuditAsync).RequireAdminRole(Internal);
    }

    /// <summary>A decision's reason, for holds, declines and rejections (optional for approvals).</summary>
    public sealed record DecisionInput([property: MaxLength(1000)] string? Reason = null);

    public sealed record AttestationInput([property: MaxLength(32)] string Kind, DateOnly? SignedOn = null, long? DocumentId = null);

    public sealed record CoursesInput(IReadOnlyList<string>? Codes = null);

    public sealed record BudgetInput(decimal Amount, DateOnly? PeriodStart = null, DateOnly? PeriodEnd = null);

    public sealed record ApprovalInput(decimal? Amount = null, int? SharePercent = null, [property: MaxLength(1000)] string? Reason = null);

    public sealed record ClaimInput(decimal ActualCost, IReadOnlyList<long>? DocumentIds = null);

    public sealed record PaymentInput([property: MaxLength(100)] string? Reference = null);

    public sealed record SurveyAnswerInput(long SurveyId, int Overall, int EaseOfBusiness, int Enablement, int Support, int Recommend, [property: MaxLength(2000)] string? Comment = null);

    private static Task<IResult> OnboardingsAsync(HttpContext http, OnboardingService onboarding, bool? open) => Guard(async () =>
        Results.Ok(await onboarding.ListAsync(CallerOf(http), open ?? true, http.RequestAborted)));

    private static Task<IResult> InviteAsync(HttpContext http, OnboardingService onboarding, InviteRequest request) => Guard(async () =>
    {
        var view = await onboarding.InviteAsync(CallerOf(http), request, http.RequestAborted);
        return Results.Created($"/api/admin/program/onboardings/{Uri.EscapeDataString(view.OrganisationId)}", view);
    });

    private static Task<IResult> OnboardingAsync(HttpContext http, OnboardingService onboarding, string organisation) => Guard(async () =>
        Results.Ok(await onboarding.ProgressAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> SignAgreementAsync(HttpContext http, OnboardingService onboarding, string organisation, long? document) => Guard(async () =>
        Results.Ok(await onboarding.SignAgreementAsync(CallerOf(http), organisation, document, http.RequestAborted)));

    private static Task<IResult> AttestAsync(HttpContext http, OnboardingService onboarding, string organisation, AttestationInput input) => Guard(async () =>
    {
        var kind = ProgramLanguage.FindAttestation(input.Kind)
            ?? (Enum.TryParse<AttestationKind>(input.Kind, ignoreCase: true, out var parsed) ? parsed : throw new ProgramValidationException([$"\"{input.Kind}\" is not an attestation; use Esg, Fcpa or DataProtection."]));
        var (view, attestation) = await onboarding.RecordAttestationAsync(CallerOf(http), organisation, kind, input.DocumentId, input.SignedOn, http.RequestAborted);
        return Results.Ok(new { Onboarding = view, Attestation = attestation });
    });

    private static Task<IResult> CompleteCoursesAsync(HttpContext http, OnboardingService onboarding, string organisation, CoursesInput? input) => Guard(async () =>
        Results.Ok(await onboarding.CompleteCoursesAsync(CallerOf(http), organisation, input?.Codes ?? [], http.RequestAborted)));

    private static Task<IResult> CertificationsAsync(HttpContext http, OnboardingService onboarding, string organisation) => Guard(async () =>
        Results.Ok(await onboarding.CertificationsAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> CertifyAsync(HttpContext http, OnboardingService onboarding, string organisation, CertificationInput input) => Guard(async () =>
        Results.Ok(await onboarding.RecordCertificationAsync(CallerOf(http), organisation, input, http.RequestAborted)));

    private static Task<IResult> ProposalsAsync(HttpContext http, TierService tiers, bool? pending) => Guard(async () =>
        Results.Ok(await tiers.ProposalsAsync(CallerOf(http), pending ?? true, http.RequestAborted)));

    private static Task<IResult> DecideTierAsync(HttpContext http, TierService tiers, long id, bool confirm, DecisionInput? input) => Guard(async () =>
        Results.Ok(await tiers.DecideAsync(CallerOf(http), id, confirm, input?.Reason, http.RequestAborted)));

    private static Task<IResult> EvaluateAsync(HttpContext http, TierService tiers, string? organisation) => Guard(async () =>
    {
        IReadOnlyList<string> ids = string.IsNullOrWhiteSpace(organisation) ? [] : organisation.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return Results.Ok(await tiers.EvaluateAsync(CallerOf(http), ids, "admin API", http.RequestAborted));
    });

    private static Task<IResult> ScorecardAsync(HttpContext http, TierService tiers, string organisation) => Guard(async () =>
        Results.Ok(await tiers.ScorecardAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> SetFactsAsync(HttpContext http, TierService tiers, string organisation, PartnerFacts facts) => Guard(async () =>
        Results.Ok(await tiers.SetPartnerFactsAsync(CallerOf(http), organisation, facts, http.RequestAborted)));

    private static Task<IResult> BalancesAsync(HttpContext http, MdfService mdf, string organisation) => Guard(async () =>
        Results.Ok(await mdf.BalancesAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> SetBudgetAsync(HttpContext http, MdfService mdf, string organisation, BudgetInput input) => Guard(async () =>
        Results.Ok(await mdf.SetBudgetAsync(CallerOf(http), organisation, input.PeriodStart, input.PeriodEnd, input.Amount, http.RequestAborted)));

    private static Task<IResult> ListRequestsAsync(HttpContext http, MdfService mdf, string? organisation, string? status) => Guard(async () =>
    {
        var statuses = new List<MdfStatus>();
        foreach (var part in (status ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            statuses.Add(Enum.TryParse<MdfStatus>(part, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new ProgramValidationException([$"Unknown MDF status \"{part}\"; use {string.Join(", ", Enum.GetNames<MdfStatus>())}."]));
        }

        return Results.Ok(await mdf.ListAsync(CallerOf(http), organisation, statuses, http.RequestAborted));
    });

    private static Task<IResult> RequestFundsAsync(HttpContext http, MdfService mdf, string? organisation, MdfRequestInput input) => Guard(async () =>
    {
        var caller = CallerOf(http);
        var (request, duplicate) = await mdf.RequestAsync(caller, ProgramAccess.TargetOrganisation(caller, organisation), input, http.RequestAborted);
        return duplicate ? Results.Ok(request) : Results.Created($"/api/admin/program/mdf/requests/{request.Number}", request);
    });

    private static Task<IResult> FindRequestAsync(HttpContext http, MdfService mdf, string number) => Guard(async () =>
        Results.Ok(await mdf.FindAsync(CallerOf(http), Number(number), http.RequestAborted)));

    private static Task<IResult> ApproveAsync(HttpContext http, MdfService mdf, string number, ApprovalInput? input) => Guard(async () =>
        Results.Ok(await mdf.ApproveAsync(CallerOf(http), Number(number), input?.Amount, input?.SharePercent, input?.Reason, http.RequestAborted)));

    private static Task<IResult> DeclineAsync(HttpContext http, MdfService mdf, string number, DecisionInput input) => Guard(async () =>
        Results.Ok(await mdf.DeclineAsync(CallerOf(http), Number(number), input.Reason ?? "", http.RequestAborted)));

    private static Task<IResult> ClaimAsync(HttpContext http, MdfService mdf, string number, ClaimInput input) => Guard(async () =>
        Results.Ok(await mdf.ClaimAsync(CallerOf(http), Number(number), input.ActualCost, input.DocumentIds ?? [], http.RequestAborted)));

    private static Task<IResult> DecideClaimAsync(HttpContext http, MdfService mdf, string number, bool approve, DecisionInput? input) => Guard(async () =>
        Results.Ok(await mdf.DecideClaimAsync(CallerOf(http), Number(number), approve, input?.Reason, http.RequestAborted)));

    private static Task<IResult> MarkPaidAsync(HttpContext http, MdfService mdf, string number, PaymentInput? input) => Guard(async () =>
        Results.Ok(await mdf.MarkPaidAsync(CallerOf(http), Number(number), input?.Reference, http.RequestAborted)));

    private static Task<IResult> LedgerAsync(HttpContext http, MdfService mdf, string organisation) => Guard(async () =>
        Results.Ok(await mdf.LedgerAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> OpenSurveyAsync(HttpContext http, PsatService psat) => Guard(async () =>
        await psat.OpenSurveyAsync(CallerOf(http), http.RequestAborted) is { } survey ? Results.Ok(survey) : Results.NoContent());

    private static Task<IResult> AnswerSurveyAsync(HttpContext http, PsatService psat, SurveyAnswerInput input) => Guard(async () =>
    {
        var answers = new PsatAnswers(input.Overall, input.EaseOfBusiness, input.Enablement, input.Support, input.Recommend, input.Comment);
        return Results.Ok(await psat.SubmitAsync(CallerOf(http), input.SurveyId, answers, http.RequestAborted));
    });

    private static Task<IResult> PsatAsync(HttpContext http, ProgramMetricsService metrics, string? from, string? to, string? type, string? tier, string? region) => Guard(async () =>
        Results.Ok((await metrics.ComputeAsync(CallerOf(http), Filter(from, to, type, tier, region), http.RequestAborted)).Psat));

    private static Task<IResult> AuditAsync(HttpContext http, TierService tiers, string? organisation) => Guard(async () =>
        Results.Ok(await tiers.AuditAsync(CallerOf(http), organisation, http.RequestAborted)));

    private static Task<IResult> MetricsAsync(HttpContext http, ProgramMetricsService metrics, string? from, string? to, string? type, string? tier, string? region, string? format) => Guard(async () =>
    {
        var figures = await metrics.ComputeAsync(CallerOf(http), Filter(from, to, type, tier, region), http.RequestAborted);
        return string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            ? Results.Text(ProgramMetricsService.ToCsv(figures), "text/csv; charset=utf-8", Encoding.UTF8)
            : Results.Ok(figures);
    });

    /// <summary>The period defaults to the current quarter; type, tier and region narrow the partners (ignored for partners, who see their own).</summary>
    private static MetricsFilter Filter(string? from, string? to, string? type, string? tier, string? region)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var quarterStart = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1);
        var start = Date(from, "from") ?? quarterStart;
        var end = Date(to, "to") ?? quarterStart.AddMonths(3).AddDays(-1);
        PartnerType? partnerType = string.IsNullOrWhiteSpace(type) ? null
            : ProgramLanguage.ParsePartnerType(type) ?? throw new ProgramValidationException([$"\"{type}\" is not a partner type."]);
        Tier? partnerTier = string.IsNullOrWhiteSpace(tier) ? null
            : Enum.TryParse<Tier>(tier, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : throw new ProgramValidationException([$"\"{tier}\" is not a tier; use Registered, Silver, Gold or Platinum."]);
        return new MetricsFilter(start, end, partnerType, partnerTier, string.IsNullOrWhiteSpace(region) ? null : region.Trim().ToUpperInvariant());
    }

    /// <summary>The local administrator (development mode) acts as a channel manager.</summary>
    private static Caller CallerOf(HttpContext http) =>
        AdminAccess.Current(http).Caller ?? ProgramActors.Administrator("local-admin", "Local administrator");

    private static long Number(string text)
    {
        var digits = text.StartsWith("MDF-", StringComparison.OrdinalIgnoreCase) ? text[4..] : text;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ProgramValidationException([$"\"{text}\" is not an MDF request number like MDF-12."]);
    }

    private static DateOnly? Date(string? text, string name) =>
        string.IsNullOrWhiteSpace(text) ? null
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date
            : throw new ProgramValidationException([$"{name} \"{text}\" is not a date like 2026-03-31."]);

    private static async Task<IResult> Guard(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ProgramValidationException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid request", detail: string.Join(" ", ex.Problems));
        }
        catch (DealValidationException ex)
        {
            return Results.Problem(statusCode: 400, title: "Invalid request", detail: string.Join(" ", ex.Problems));
        }
        catch (ProgramNotFoundException ex)
        {
            return Results.Problem(statusCode: 404, title: "Not found", detail: ex.Message);
        }
        catch (ProgramAccessDeniedException ex)
        {
            return Results.Problem(statusCode: 403, title: "Forbidden", detail: ex.Message);
        }
        catch (ProgramRuleException ex)
        {
            return Results.Problem(statusCode: 409, title: "Not allowed by the program rules", detail: ex.Message);
        }
    }
}
