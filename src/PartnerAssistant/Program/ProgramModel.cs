using System.Text.Json.Serialization;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

// Money is kept in whole cents of the reporting currency (long), so balances are exact and the
// conditional updates that protect MDF balances compare integers on SQLite and PostgreSQL alike.
// Instants are unix milliseconds; calendar dates are DateOnly (or day numbers where SQL sums them).

/// <summary>The five onboarding steps, in the order they run (program rules, section 4).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OnboardingStepKind>))]
public enum OnboardingStepKind
{
    /// <summary>Partner agreement signed (partner admin, day 7).</summary>
    Agreement = 1,

    /// <summary>ESG and FCPA attestations and the data-protection terms (partner admin, day 14).</summary>
    Compliance = 2,

    /// <summary>Enablement courses assigned by partner type, completed (partner users, day 30).</summary>
    Courses = 3,

    /// <summary>First certification (partner users, day 45).</summary>
    Certification = 4,

    /// <summary>First deal registered (the partner, day 60).</summary>
    FirstDeal = 5,
}

/// <summary>Who does an onboarding step.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepOwner>))]
public enum StepOwner
{
    PartnerAdmin,
    PartnerUsers,
    Partner,
}

/// <summary>An invited partner's onboarding: who invited whom, when, and its checklist.</summary>
public sealed class Onboarding
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }

    /// <summary>The channel manager who sent the invitation (a directory person id).</summary>
    public required string InvitedBy { get; set; }

    public long InvitedAtMs { get; set; }

    /// <summary>The partner admin named in the invitation (a directory person id), if any yet.</summary>
    public string? PartnerAdminId { get; set; }

    /// <summary>When the last of the five steps was done.</summary>
    public long? CompletedAtMs { get; set; }

    public List<OnboardingStep> Steps { get; set; } = [];
}

public sealed class OnboardingStep
{
    public long Id { get; set; }
    public long OnboardingId { get; set; }
    public OnboardingStepKind Kind { get; set; }
    public StepOwner Owner { get; set; }
    public DateOnly DueOn { get; set; }
    public long? CompletedAtMs { get; set; }
    public string? CompletedBy { get; set; }

    /// <summary>What showed the step done: "signed in chat", a document name, DR-1045, a certificate id.</summary>
    public string? Evidence { get; set; }

    public long? LastReminderAtMs { get; set; }
    public int Reminders { get; set; }
}

/// <summary>A course of the enablement catalogue assigned to a partner (onboarding step 3).</summary>
public sealed class CourseAssignment
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string CourseCode { get; set; }
    public required string Title { get; set; }
    public long AssignedAtMs { get; set; }
    public long? CompletedAtMs { get; set; }
    public string? CompletedBy { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<AttestationKind>))]
public enum AttestationKind
{
    /// <summary>Environmental, social and governance commitments.</summary>
    Esg,

    /// <summary>US Foreign Corrupt Practices Act (anti-corruption).</summary>
    Fcpa,

    /// <summary>The data-protection terms (data processing agreement).</summary>
    DataProtection,
}

/// <summary>One signed compliance item; valid for a year from signing (then it must be renewed).</summary>
public sealed class Attestation
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public AttestationKind Kind { get; set; }
    public long SignedAtMs { get; set; }
    public long ValidUntilMs { get; set; }
    public required string RecordedBy { get; set; }
    public long? DocumentId { get; set; }
}

/// <summary>A file kept as evidence: an attestation, a signed agreement, MDF proof of performance.</summary>
public sealed class ProgramDocument
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }

    /// <summary>What it proves, e.g. <c>attestation:Fcpa</c> or <c>mdf-claim:MDF-12</c>.</summary>
    public required string Purpose { get; set; }

    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }

    /// <summary>Where the bytes are, relative to the data folder.</summary>
    public required string StoredPath { get; set; }

    public required string UploadedBy { get; set; }
    public long UploadedAtMs { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<CertificationLevel>))]
public enum CertificationLevel
{
    Associate,
    Professional,
}

/// <summary>A person's certification; it counts for the organisation that employs them while it is valid.</summary>
public sealed class Certification
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string HolderName { get; set; }

    /// <summary>Identifies the person across certifications (lower-case e-mail, or the name when there is none).</summary>
    public required string HolderKey { get; set; }

    public required string Name { get; set; }
    public CertificationLevel Level { get; set; }
    public required string CertificateId { get; set; }
    public DateOnly EarnedOn { get; set; }
    public DateOnly ExpiresOn { get; set; }
    public required string RecordedBy { get; set; }
    public long RecordedAtMs { get; set; }
}

/// <summary>
/// What the program knows about a partner beyond the directory: the facts tiers are evaluated on
/// (agreement, customer reference, co-innovation or marketplace offer, business plan) and its time
/// to value (invitation → first won deal), kept for every partner.
/// </summary>
public sealed class PartnerRecord
{
    public required string OrganisationId { get; set; }

    /// <summary>The invitation, or for partners that joined before onboarding was automated, when they joined.</summary>
    public long InvitedAtMs { get; set; }

    public long? AgreementSignedAtMs { get; set; }
    public string? CustomerReference { get; set; }
    public DateOnly? CustomerReferenceOn { get; set; }
    public string? CoInnovationProject { get; set; }
    public string? MarketplaceOffer { get; set; }
    public DateOnly? BusinessPlanAgreedOn { get; set; }

    public long? FirstRegistrationAtMs { get; set; }
    public long? FirstRegistrationNumber { get; set; }
    public DateOnly? FirstWonOn { get; set; }
    public long? FirstWonNumber { get; set; }

    /// <summary>Days from the invitation to the first won deal; null until it is won.</summary>
    public int? TimeToValueDays { get; set; }

    public long UpdatedAtMs { get; set; }
}

/// <summary>One run of the tier rules over a partner's figures, kept with the figures and the reasons.</summary>
public sealed class TierEvaluation
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public long EvaluatedAtMs { get; set; }

    /// <summary><c>schedule</c>, or the person who asked for it.</summary>
    public required string Trigger { get; set; }

    public Tier CurrentTier { get; set; }
    public Tier EligibleTier { get; set; }

    /// <summary>The <see cref="TierScorecard"/> as JSON: figures, and per tier what is met and missing.</summary>
    public required string ScorecardJson { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<ProposalStatus>))]
public enum ProposalStatus
{
    Pending,
    Confirmed,

    /// <summary>Not confirmed, with the reason recorded; the evaluation proposes again next quarter.</summary>
    Held,

    /// <summary>A later evaluation replaced it.</summary>
    Superseded,
}

/// <summary>A tier change the evaluation proposes and a channel manager confirms or holds.</summary>
public sealed class TierProposal
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public Tier FromTier { get; set; }
    public Tier ToTier { get; set; }
    public long EvaluationId { get; set; }
    public long ProposedAtMs { get; set; }
    public ProposalStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedAtMs { get; set; }
    public string? Reason { get; set; }
}

/// <summary>MDF available to a partner for a period (the fiscal year by default).</summary>
public sealed class MdfBudget
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public long AmountCents { get; set; }

    /// <summary>Reserved by approved requests, paid included. Never above <see cref="AmountCents"/>.</summary>
    public long CommittedCents { get; set; }

    public long PaidCents { get; set; }

    /// <summary><c>accrual</c> (tier percentage of prior-year attributed revenue) or <c>manual</c>.</summary>
    public required string Source { get; set; }

    public required string UpdatedBy { get; set; }
    public long UpdatedAtMs { get; set; }

    public long AvailableCents => AmountCents - CommittedCents;
}

[JsonConverter(typeof(JsonStringEnumConverter<MdfStatus>))]
public enum MdfStatus
{
    Requested,
    Approved,
    Declined,

    /// <summary>A claim with proof of performance waits for the channel manager.</summary>
    Claimed,

    /// <summary>The claim was approved; payment is due within 30 days.</summary>
    ClaimApproved,
    Paid,

    /// <summary>The claim window closed without an approved claim; the reservation was released.</summary>
    Lapsed,
}

/// <summary>A partner's request for funds for one activity, its approval, claim and payment.</summary>
public sealed class MdfRequest
{
    public long Id { get; set; }

    /// <summary>The number without its prefix (12 for MDF-12).</summary>
    public long Number { get; set; }

    public required string OrganisationId { get; set; }
    public long BudgetId { get; set; }
    public required string RequestedBy { get; set; }
    public required string ActivityType { get; set; }
    public required string Title { get; set; }
    public DateOnly ActivityDate { get; set; }
    public required string Plan { get; set; }
    public required string ExpectedOutcomes { get; set; }

    /// <summary>Total eligible cost of the activity as planned.</summary>
    public long EligibleCostCents { get; set; }

    public long RequestedCents { get; set; }
    public long? ApprovedCents { get; set; }

    /// <summary>Share of eligible cost Northbeam reimburses (at most 50 %; a manager may approve less).</summary>
    public int SharePercent { get; set; }

    public MdfStatus Status { get; set; }
    public required string SubmissionKey { get; set; }
    public long SubmittedAtMs { get; set; }
    public long DecisionDueAtMs { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedAtMs { get; set; }
    public string? DecisionReason { get; set; }
    public long? PaidAtMs { get; set; }
    public string? PaidBy { get; set; }
    public string? PaymentReference { get; set; }
    public long? PaidCents { get; set; }

    public List<MdfClaim> Claims { get; set; } = [];

    public string DisplayNumber => MdfNumber.Format(Number);
}

[JsonConverter(typeof(JsonStringEnumConverter<ClaimStatus>))]
public enum ClaimStatus
{
    Submitted,
    Approved,

    /// <summary>Rejected with a reason; the partner may claim again within the claim window.</summary>
    Rejected,
}

/// <summary>A claim for an approved activity, with proof of performance.</summary>
public sealed class MdfClaim
{
    public long Id { get; set; }
    public long RequestId { get; set; }
    public required string ClaimedBy { get; set; }
    public long ClaimedAtMs { get; set; }
    public long ActualCostCents { get; set; }

    /// <summary>What Northbeam reimburses: the lower of the share of actual cost and the approved amount.</summary>
    public long ReimbursementCents { get; set; }

    public ClaimStatus Status { get; set; }
    public string? DecidedBy { get; set; }
    public long? DecidedAtMs { get; set; }
    public string? Reason { get; set; }

    /// <summary>Ids of the <see cref="ProgramDocument"/>s attached as proof, comma-separated.</summary>
    public required string DocumentIds { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<LedgerKind>))]
public enum LedgerKind
{
    /// <summary>The budget was set or changed (amount = the change).</summary>
    Budget,

    /// <summary>An approval reserved funds.</summary>
    Reserve,

    /// <summary>Reserved funds went back to the balance (claim for less, lapsed window).</summary>
    Release,

    /// <summary>A reimbursement was paid.</summary>
    Pay,
}

/// <summary>One movement of MDF money, append-only: the budget columns can always be re-derived from it.</summary>
public sealed class MdfLedgerEntry
{
    public long Id { get; set; }
    public long BudgetId { get; set; }
    public long? RequestNumber { get; set; }
    public LedgerKind Kind { get; set; }
    public long AmountCents { get; set; }
    public long AtMs { get; set; }
    public required string Actor { get; set; }
    public string? Note { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<SurveyKind>))]
public enum SurveyKind
{
    Quarterly,
    AfterOnboarding,
    AfterFirstWin,
}

/// <summary>A PSAT survey sent to a partner organisation; any of its people can answer while it is open.</summary>
public sealed class PsatSurvey
{
    public long Id { get; set; }
    public required string OrganisationId { get; set; }
    public SurveyKind Kind { get; set; }

    /// <summary>The quarter asked about (<c>2026-Q3</c>) for quarterly surveys; the milestone's date otherwise.</summary>
    public required string Period { get; set; }

    public long SentAtMs { get; set; }
    public long ClosesAtMs { get; set; }
}

/// <summary>One person's answers (0–10) to the five PSAT questions.</summary>
public sealed class PsatResponse
{
    public long Id { get; set; }
    public long SurveyId { get; set; }
    public required string OrganisationId { get; set; }
    public required string PersonId { get; set; }
    public long RespondedAtMs { get; set; }

    /// <summary>Quarter of the answer as a number (year × 10 + quarter, e.g. 20264), for participation and trends.</summary>
    public int Quarter { get; set; }

    public int Overall { get; set; }
    public int EaseOfBusiness { get; set; }
    public int Enablement { get; set; }
    public int Support { get; set; }
    public int Recommend { get; set; }
    public string? Comment { get; set; }

    /// <summary>The mean of the five answers, times 100 (e.g. 740 for 7.4), kept for SQL averages.</summary>
    public int ScoreX100 { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<AcquisitionChannel>))]
public enum AcquisitionChannel
{
    Partner,
    Direct,
}

/// <summary>What acquiring customers cost through a channel in a period (for CAC), as a channel manager records it.</summary>
public sealed class CostInput
{
    public long Id { get; set; }
    public AcquisitionChannel Channel { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }

    /// <summary>sales, marketing, discounts, program, other.</summary>
    public required string Category { get; set; }

    public long AmountCents { get; set; }

    /// <summary>New customers the channel won in the period, where the deal book does not show them (direct sales).</summary>
    public int? NewCustomers { get; set; }

    public string? Note { get; set; }
    public required string RecordedBy { get; set; }
    public long RecordedAtMs { get; set; }
}

/// <summary>Revenue a customer brought in one month (recognised revenue from finance), for CLTV.</summary>
public sealed class CustomerRevenue
{
    public long Id { get; set; }

    /// <summary>The customer as the deal book knows it (deal_customers.id); null for customers only direct sales won.</summary>
    public long? DealCustomerId { get; set; }

    /// <summary>The normalised customer name (see the deals capability's customer names).</summary>
    public required string CustomerKey { get; set; }

    public required string CustomerName { get; set; }

    /// <summary>The month as year × 100 + month (202611).</summary>
    public int Month { get; set; }

    public long AmountCents { get; set; }
}

/// <summary>A customer of the revenue book (one normalised name), with the deal book's customer it is linked to.</summary>
public sealed class RevenueCustomer
{
    public required string CustomerKey { get; set; }

    /// <summary>deal_customers.id when the importer knew it (the largest one, if rows of one key disagree).</summary>
    public long? DealCustomerId { get; set; }

    /// <summary>The first month with recognised revenue (year × 100 + month).</summary>
    public int FirstMonth { get; set; }
}

/// <summary>A customer's lifetime revenue at the end of a month in which it had revenue: the sum of every month up to it.</summary>
public sealed class CustomerLifetime
{
    public required string CustomerKey { get; set; }

    /// <summary>Year × 100 + month.</summary>
    public int Month { get; set; }

    public long LifetimeCents { get; set; }
}

/// <summary>A won deal as the program's metrics read it: revenue, close day and who sourced it.</summary>
public sealed class WonDeal
{
    /// <summary>deal_registrations.id.</summary>
    public long RegistrationId { get; set; }

    public long Number { get; set; }
    public long CustomerId { get; set; }

    /// <summary>The close date as a day number (days since 0001-01-01), so SQL compares integers.</summary>
    public int ClosedDay { get; set; }

    /// <summary>Year × 100 + month of the close.</summary>
    public int ClosedMonth { get; set; }

    public long RevenueCents { get; set; }
    public bool HasPartnerTouch { get; set; }
    public string? SourcingPartnerId { get; set; }

    /// <summary>Whether this is its customer's first won deal (earliest close, then lowest id), kept by the ledger so new
    /// customers (CAC) and the acquiring partner (CLTV) are read from a flag, not found by comparing every deal.</summary>
    public bool FirstOfCustomer { get; set; }

    /// <summary>What the row was computed from (status, amounts, touches); a change means recompute.</summary>
    public required string Fingerprint { get; set; }
}

/// <summary>One partner's share of one won deal under the program's attribution model.</summary>
public sealed class DealCredit
{
    public long Id { get; set; }
    public long RegistrationId { get; set; }
    public required string PartnerId { get; set; }
    public int ClosedDay { get; set; }
    public int ClosedMonth { get; set; }
    public long CreditCents { get; set; }
}

/// <summary>One line of the program's append-only audit log.</summary>
public sealed class ProgramAuditEntry
{
    public long Id { get; set; }
    public long AtMs { get; set; }

    /// <summary>A person id, <c>system</c>, or <c>cli:…</c>.</summary>
    public required string Actor { get; set; }

    public required string ActorRole { get; set; }

    /// <summary>e.g. <c>invite</c>, <c>step-done</c>, <c>tier-proposed</c>, <c>tier-confirmed</c>, <c>mdf-approved</c>.</summary>
    public required string Action { get; set; }

    public string? OrganisationId { get; set; }

    /// <summary>What it is about: a step, a tier change, MDF-12.</summary>
    public string? Subject { get; set; }

    public string? Reason { get; set; }
    public string? Details { get; set; }
}

/// <summary>A named counter: the next MDF request number.</summary>
public sealed class ProgramCounter
{
    public required string Name { get; set; }
    public long NextValue { get; set; }
}

/// <summary>MDF request numbers: <c>MDF-12</c>.</summary>
public static class MdfNumber
{
    public const string Prefix = "MDF-";

    public static string Format(long number) => Prefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reads "MDF-12", "mdf 12", "MDF12" or "12".</summary>
    public static long? Parse(string? text)
    {
        var value = (text ?? "").Trim();
        if (value.StartsWith("MDF", StringComparison.OrdinalIgnoreCase))
        {
            value = value[3..].TrimStart('-', ' ', '#');
        }

        return long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0 ? number : null;
    }

    public static IEnumerable<long> FindAll(string? text) =>
        System.Text.RegularExpressions.Regex.Matches(text ?? "", @"\bMDF[\s\-#]?(\d{1,9})\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
