using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>Partner program operations, under the section <c>Program</c>.</summary>
public sealed class ProgramOptions
{
    public const string SectionName = "Program";

    /// <summary>Seed demo onboarding, certifications, attestations, MDF budgets and PSAT answers for the demo
    /// partners when the program tables are empty. Default: true.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>How often the program's background work runs: overdue onboarding reminders, time to value, the
    /// quarterly tier evaluation and PSAT surveys, lapsed MDF claim windows. Default: 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The dashboard's address, for links in chat, when it is not this host's own <c>/dashboard</c>.
    /// Default: empty, meaning <c>{PublicBaseUrl}/dashboard</c> (see <see cref="Hosting.PublicLinkOptions"/>).</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>Largest document (attestation, proof of performance) kept, in bytes. Default: 10 MB. Range 1 KB–100 MB.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxDocumentBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How long downloading an attached document may take. Default: 30 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan DocumentTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The onboarding checklist (program rules, section 4), under the section <c>Program:Onboarding</c>.</summary>
public sealed class OnboardingOptions
{
    public const string SectionName = "Program:Onboarding";

    /// <summary>Days after the invitation by which the partner agreement is signed. Default: 7.</summary>
    [Range(1, 365)]
    public int AgreementDueDays { get; set; } = 7;

    /// <summary>Days after the invitation by which compliance screening has passed. Default: 14.</summary>
    [Range(1, 365)]
    public int ComplianceDueDays { get; set; } = 14;

    /// <summary>Days after the invitation by which the assigned enablement courses are completed. Default: 30.</summary>
    [Range(1, 365)]
    public int CoursesDueDays { get; set; } = 30;

    /// <summary>Days after the invitation by which someone holds a first certification. Default: 45.</summary>
    [Range(1, 365)]
    public int CertificationDueDays { get; set; } = 45;

    /// <summary>Days after the invitation by which the first deal is registered. Default: 60.</summary>
    [Range(1, 365)]
    public int FirstDealDueDays { get; set; } = 60;

    /// <summary>Target time to value: the first won deal within this many days of the invitation. Default: 90.</summary>
    [Range(1, 730)]
    public int TimeToValueTargetDays { get; set; } = 90;

    /// <summary>Months an attestation or the DPA stays current before it must be renewed. Default: 12.</summary>
    [Range(1, 60)]
    public int AttestationValidityMonths { get; set; } = 12;

    /// <summary>Days between two reminders about the same overdue step. Default: 3.</summary>
    [Range(1, 60)]
    public int ReminderRepeatDays { get; set; } = 3;

    public int DueDays(OnboardingStepKind step) => step switch
    {
        OnboardingStepKind.Agreement => AgreementDueDays,
        OnboardingStepKind.Compliance => ComplianceDueDays,
        OnboardingStepKind.Courses => CoursesDueDays,
        OnboardingStepKind.Certification => CertificationDueDays,
        _ => FirstDealDueDays,
    };
}

/// <summary>How compliance must stand for a tier.</summary>
public enum ComplianceRequirement
{
    /// <summary>Not required.</summary>
    None,

    /// <summary>All three items were signed at some point (screening passed).</summary>
    Passed,

    /// <summary>All three items are signed and none has passed its renewal date.</summary>
    Current,
}

/// <summary>What one tier requires and gives. Every requirement left out of the configuration is "not required".</summary>
public sealed class TierRequirement
{
    /// <summary>A signed partner agreement.</summary>
    public bool RequiresAgreement { get; set; }

    /// <summary><c>None</c>, <c>Passed</c> or <c>Current</c>.</summary>
    public ComplianceRequirement Compliance { get; set; }

    /// <summary>Partner-attributed revenue over the trailing months, in the reporting currency.</summary>
    [Range(0, 1e12)]
    public decimal MinAttributedRevenue { get; set; }

    /// <summary>People holding a valid certification.</summary>
    [Range(0, 100_000)]
    public int MinCertifiedIndividuals { get; set; }

    /// <summary>Of those, people holding a valid professional-level certification.</summary>
    [Range(0, 100_000)]
    public int MinProfessionalCertified { get; set; }

    /// <summary>PSAT answered in each of the last <see cref="TierOptions.PsatQuarters"/> quarters.</summary>
    public bool RequiresPsat { get; set; }

    /// <summary>A documented customer reference.</summary>
    public bool RequiresCustomerReference { get; set; }

    /// <summary>A co-innovation project or a published marketplace offer.</summary>
    public bool RequiresCoInnovationOrMarketplaceOffer { get; set; }

    /// <summary>An annual business plan agreed with the channel manager within the last 12 months.</summary>
    public bool RequiresBusinessPlan { get; set; }

    /// <summary>MDF accrual, percent of prior-year attributed revenue.</summary>
    [Range(0, 100)]
    public decimal MdfAccrualPercent { get; set; }

    /// <summary>Deal-registration discount off list on approved registrations, percent.</summary>
    [Range(0, 100)]
    public decimal RegistrationDiscountPercent { get; set; }
}

/// <summary>
/// The tier rules as configuration (program rules, section 3), under the section <c>Program:Tiers</c>.
/// The defaults are the published rules; an operator changes a threshold here, not in code.
/// </summary>
public sealed class TierOptions
{
    public const string SectionName = "Program:Tiers";

    /// <summary>Months of figures the evaluation looks at. Default: 12 (trailing twelve months).</summary>
    [Range(1, 36)]
    public int TrailingMonths { get; set; } = 12;

    /// <summary>PSAT must have been answered in each of this many quarters: the one that contains the day before the
    /// evaluation and those before it. Default: 2.</summary>
    [Range(1, 8)]
    public int PsatQuarters { get; set; } = 2;

    /// <summary>The attribution model that gives attributed revenue (tiers, MDF accrual, ROPI on the dashboard).
    /// Default: <c>Linear</c>. Shapley is not accepted: its credit depends on every closed deal, not on the deal alone.</summary>
    public AttributionModel AttributionModel { get; set; } = AttributionModel.Linear;

    /// <summary>Evaluate every partner on the first day of each quarter and propose changes. Default: true.</summary>
    public bool EvaluateQuarterly { get; set; } = true;

    /// <summary>Requirements and benefits per tier. Default: the published program rules.</summary>
    public Dictionary<Tier, TierRequirement> Levels { get; set; } = Defaults();

    public TierRequirement For(Tier tier) => Levels.TryGetValue(tier, out var requirement) ? requirement : new TierRequirement();

    public static Dictionary<Tier, TierRequirement> Defaults() => new()
    {
        [Tier.Registered] = new() { RequiresAgreement = true, Compliance = ComplianceRequirement.Passed },
        [Tier.Silver] = new()
        {
            RequiresAgreement = true, Compliance = ComplianceRequirement.Current, MinAttributedRevenue = 250_000, MinCertifiedIndividuals = 2,
            RequiresPsat = true, MdfAccrualPercent = 3, RegistrationDiscountPercent = 8,
        },
        [Tier.Gold] = new()
        {
            RequiresAgreement = true, Compliance = ComplianceRequirement.Current, MinAttributedRevenue = 1_000_000, MinCertifiedIndividuals = 5,
            MinProfessionalCertified = 2, RequiresPsat = true, RequiresCustomerReference = true, MdfAccrualPercent = 4, RegistrationDiscountPercent = 12,
        },
        [Tier.Platinum] = new()
        {
            RequiresAgreement = true, Compliance = ComplianceRequirement.Current, MinAttributedRevenue = 5_000_000, MinCertifiedIndividuals = 12,
            RequiresCoInnovationOrMarketplaceOffer = true, RequiresBusinessPlan = true, MdfAccrualPercent = 5, RegistrationDiscountPercent = 15,
        },
    };
}

/// <summary>Checks what data annotations cannot: every tier is configured, and higher tiers never ask for less.</summary>
public sealed class TierOptionsValidator : IValidateOptions<TierOptions>
{
    public ValidateOptionsResult Validate(string? name, TierOptions options)
    {
        var problems = new List<string>();
        if (options.AttributionModel == AttributionModel.Shapley)
        {
            problems.Add("Program:Tiers:AttributionModel cannot be Shapley: a deal's Shapley credit depends on every other closed deal; choose a per-deal model such as Linear.");
        }

        foreach (var tier in Enum.GetValues<Tier>())
        {
            if (!options.Levels.TryGetValue(tier, out var requirement))
            {
                problems.Add($"Program:Tiers:Levels:{tier} is missing; every tier (Registered, Silver, Gold, Platinum) needs its requirements.");
                continue;
            }

            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(requirement, new ValidationContext(requirement), results, validateAllProperties: true))
            {
                problems.AddRange(results.Select(r => $"Program:Tiers:Levels:{tier}: {r.ErrorMessage}"));
            }

            if (requirement.MinProfessionalCertified > requirement.MinCertifiedIndividuals)
            {
                problems.Add($"Program:Tiers:Levels:{tier}: MinProfessionalCertified ({requirement.MinProfessionalCertified}) cannot exceed MinCertifiedIndividuals ({requirement.MinCertifiedIndividuals}).");
            }
        }

        var ordered = Enum.GetValues<Tier>().Where(options.Levels.ContainsKey).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            var lower = options.Levels[ordered[i - 1]];
            var higher = options.Levels[ordered[i]];
            if (higher.MinAttributedRevenue < lower.MinAttributedRevenue)
            {
                problems.Add($"Program:Tiers:Levels:{ordered[i]}:MinAttributedRevenue ({higher.MinAttributedRevenue}) is below {ordered[i - 1]}'s ({lower.MinAttributedRevenue}); a higher tier cannot ask for less revenue.");
            }

            if (higher.MinCertifiedIndividuals < lower.MinCertifiedIndividuals)
            {
                problems.Add($"Program:Tiers:Levels:{ordered[i]}:MinCertifiedIndividuals ({higher.MinCertifiedIndividuals}) is below {ordered[i - 1]}'s ({lower.MinCertifiedIndividuals}); a higher tier cannot ask for fewer certified people.");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Market development funds (program rules, section 8), under the section <c>Program:Mdf</c>.</summary>
public sealed class MdfOptions
{
    public const string SectionName = "Program:Mdf";

    /// <summary>A request must arrive at least this many days before the activity. Default: 30.</summary>
    [Range(0, 365)]
    public int RequestLeadDays { get; set; } = 30;

    /// <summary>Business days within which the channel manager decides a request. Default: 5.</summary>
    [Range(1, 60)]
    public int DecisionBusinessDays { get; set; } = 5;

    /// <summary>Days after the activity within which a claim is accepted. Default: 60.</summary>
    [Range(1, 365)]
    public int ClaimWindowDays { get; set; } = 60;

    /// <summary>The largest share of eligible cost Northbeam reimburses, percent. Default: 50.</summary>
    [Range(1, 100)]
    public int MaxCoFundingPercent { get; set; } = 50;

    /// <summary>Days within which an approved claim is paid. Default: 30.</summary>
    [Range(1, 365)]
    public int PaymentDays { get; set; } = 30;

    /// <summary>First month of the fiscal year (budgets run per fiscal year and expire at its end). Default: 1 (January).</summary>
    [Range(1, 12)]
    public int FiscalYearStartMonth { get; set; } = 1;

    /// <summary>Activity types a request may name. Default: event, webinar, workshop, digital campaign, content, customer training.</summary>
    public List<string>? ActivityTypes { get; set; }

    public IReadOnlyList<string> EffectiveActivityTypes =>
        ActivityTypes is { Count: > 0 } types ? types : ["event", "webinar", "workshop", "digital campaign", "content", "customer training"];

    /// <summary>The fiscal year (named by the calendar year it starts in) that contains <paramref name="date"/>.</summary>
    public (DateOnly Start, DateOnly End) FiscalYearOf(DateOnly date)
    {
        var startYear = date.Month >= FiscalYearStartMonth ? date.Year : date.Year - 1;
        var start = new DateOnly(startYear, FiscalYearStartMonth, 1);
        return (start, start.AddYears(1).AddDays(-1));
    }
}

/// <summary>Partner satisfaction surveys (program rules, section 10), under the section <c>Program:Psat</c>.</summary>
public sealed class PsatOptions
{
    public const string SectionName = "Program:Psat";

    /// <summary>Send the survey to every partner at the start of each quarter, about the quarter just ended. Default: true.</summary>
    public bool Quarterly { get; set; } = true;

    /// <summary>Send it when a partner finishes onboarding. Default: true.</summary>
    public bool AfterOnboarding { get; set; } = true;

    /// <summary>Send it after a partner's first won deal. Default: true.</summary>
    public bool AfterFirstWin { get; set; } = true;

    /// <summary>Scores (mean of the five answers) at or below this count as low. Default: 6.</summary>
    [Range(0, 10)]
    public double LowScore { get; set; } = 6;

    /// <summary>Quarters shown in the PSAT trend. Default: 6.</summary>
    [Range(2, 20)]
    public int TrendQuarters { get; set; } = 6;
}
