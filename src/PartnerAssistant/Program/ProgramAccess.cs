using System.Text.Json;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Who may do what in program operations. Channel managers see and decide everything; sales reps read
/// program figures; partner admins run their own organisation's onboarding and MDF; partner users see their
/// own organisation and answer surveys. Every service method checks here, whatever the chat or API asked.
/// </summary>
public static class ProgramAccess
{
    /// <summary>Vendor staff who may read every partner's program data.</summary>
    public static bool SeesAllPartners(Caller caller) => caller.Role is Role.ChannelManager or Role.SalesRep;

    public static bool IsChannelManager(Caller caller) => caller.Role == Role.ChannelManager;

    /// <summary>The organisation a caller may read: their own for partners, any for channel managers and sales reps.</summary>
    public static void RequireRead(Caller caller, string organisationId)
    {
        if (SeesAllPartners(caller))
        {
            return;
        }

        if (!caller.Role.IsPartner() || caller.OrganisationId != organisationId)
        {
            throw new ProgramAccessDeniedException(caller.Role.IsPartner()
                ? "Partners see only their own organisation's program data."
                : $"Program data is for partners, channel managers and sales reps; a {caller.Role.Describe()} has no access to it.");
        }
    }

    public static void RequireChannelManager(Caller caller, string what)
    {
        if (!IsChannelManager(caller))
        {
            throw new ProgramAccessDeniedException($"Only channel managers {what}.");
        }
    }

    public static void RequireInternal(Caller caller, string what)
    {
        if (!SeesAllPartners(caller))
        {
            throw new ProgramAccessDeniedException($"Only Northbeam channel managers and sales reps {what}.");
        }
    }

    /// <summary>The partner admin of the organisation, or a channel manager acting for it.</summary>
    public static void RequirePartnerAdminOf(Caller caller, string organisationId, string what)
    {
        if (IsChannelManager(caller) || (caller.Role == Role.PartnerAdmin && caller.OrganisationId == organisationId))
        {
            return;
        }

        throw new ProgramAccessDeniedException(caller.Role == Role.PartnerAdmin
            ? "You can only act for your own organisation."
            : $"Only your partner administrator (or your channel manager) can {what}.");
    }

    /// <summary>Anyone of the organisation, or a channel manager acting for it.</summary>
    public static void RequireMemberOf(Caller caller, string organisationId, string what)
    {
        if (IsChannelManager(caller) || (caller.Role.IsPartner() && caller.OrganisationId == organisationId))
        {
            return;
        }

        throw new ProgramAccessDeniedException(caller.Role.IsPartner()
            ? "You can only act for your own organisation."
            : $"Only the partner's own people (or its channel manager) can {what}.");
    }

    /// <summary>The organisation a partner caller acts for, or the one a channel manager names.</summary>
    public static string TargetOrganisation(Caller caller, string? organisationId) =>
        caller.Role.IsPartner() ? caller.OrganisationId : organisationId ?? throw new ProgramValidationException(["Name the partner organisation."]);
}

/// <summary>Callers that are not people in the directory: the command line, the scheduler, the local administrator.</summary>
public static class ProgramActors
{
    public static Caller System { get; } = DealActors.Administrator("system", "Program scheduler");

    public static Caller Administrator(string id, string displayName = "Administrator") => DealActors.Administrator(id, displayName);
}

/// <summary>Writes audit entries in the program's shape.</summary>
internal static class ProgramAudit
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ProgramAuditEntry Entry(Caller caller, string action, string? organisationId, string? subject, string? reason, object? details, long atMs) => new()
    {
        AtMs = atMs,
        Actor = caller.Person.Id,
        ActorRole = caller.Person.Id == "system" ? "system" : caller.Role.Slug(),
        Action = action,
        OrganisationId = organisationId,
        Subject = subject,
        Reason = reason,
        Details = details is null ? null : JsonSerializer.Serialize(details, Json),
    };
}

/// <summary>Input the user must fix; each problem is a sentence for them.</summary>
public sealed class ProgramValidationException(IReadOnlyList<string> problems) : Exception(string.Join(" ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>The program rules do not allow this now (e.g. a claim after the 60-day window).</summary>
public sealed class ProgramRuleException(string message) : Exception(message);

public sealed class ProgramNotFoundException(string message) : Exception(message);

public sealed class ProgramAccessDeniedException(string message) : Exception(message);

/// <summary>Dates as the program's messages write them.</summary>
internal static class ProgramText
{
    public static string Date(DateOnly date) => DealText.Date(date);

    public static string Date(long unixMs) => Date(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime));

    public static DateOnly ToDate(long unixMs) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime);

    public static long ToUnixMs(DateOnly date) => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static string Money(long cents) => Deals.Money.Format(cents / 100m, "USD");

    public static long Cents(decimal amount) => (long)Math.Round(amount * 100m, MidpointRounding.AwayFromZero);

    public static string Plural(int count, string one, string many) => count == 1 ? $"1 {one}" : $"{count} {many}";

    /// <summary>Year × 10 + quarter (20264 for Q4 2026).</summary>
    public static int QuarterOf(DateOnly date) => (date.Year * 10) + ((date.Month - 1) / 3) + 1;

    public static string QuarterName(int quarter) => $"{quarter / 10}-Q{quarter % 10}";

    public static int PreviousQuarter(int quarter) => quarter % 10 == 1 ? ((quarter / 10) - 1) * 10 + 4 : quarter - 1;

    public static (DateOnly Start, DateOnly End) QuarterRange(int quarter)
    {
        var start = new DateOnly(quarter / 10, ((quarter % 10) - 1) * 3 + 1, 1);
        return (start, start.AddMonths(3).AddDays(-1));
    }
}
