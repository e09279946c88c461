using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;
using static PartnerAssistant.PartnerProgram.ProgramReplies;

namespace PartnerAssistant.PartnerProgram;

/// <summary>"How is the program doing this quarter?": the dashboard's figures in chat, with a link to the dashboard.</summary>
public sealed class ProgramMetricsPlugin(ProgramMetricsService metrics, IOptions<ProgramOptions> options, Hosting.PublicLinks links, TimeProvider time)
{
    [KernelFunction("ProgramOverview"), Description("Program metrics for a period (this quarter by default): influenced and sourced revenue, ROPI, time to value, PSAT, CAC, reviews — a partner's own figures for partners.")]
    public Task<AssistantReply> ProgramOverviewAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (from, to) = DealLanguage.FindPeriod(utterance, today) ?? ProgramText.QuarterRange(ProgramText.QuarterOf(today));
        var region = System.Text.RegularExpressions.Regex.Match(utterance, @"\b(EMEA|APAC|LATAM|NA)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } r ? r.Value.ToUpperInvariant() : null;
        var filter = caller.Role.IsPartner()
            ? new MetricsFilter(from, to)
            : new MetricsFilter(from, to, ProgramLanguage.FindPartnerType(utterance), ProgramLanguage.FindTier(utterance), region);
        var m = await metrics.ComputeAsync(caller, filter, cancellationToken);
        var url = DashboardLink(options.Value.DashboardUrl is { Length: > 0 } dashboard ? dashboard : links.To("dashboard"), filter);
        var v = m.Revenue;
        var who = caller.Role.IsPartner() ? caller.Organisation.Name : filter.FiltersPartners ? Describe(filter) : "The program";
        var text = new StringBuilder($"**{who}, {ProgramText.Date(from)} – {ProgramText.Date(to)}**\n\n");
        if (!caller.Role.IsPartner())
        {
            text.Append($"- Won: {v.WonDeals:N0} deals, {Money(v.WonRevenue)}\n");
        }

        text.Append($"- Partner-influenced revenue {Money(v.PartnerInfluenced)}; partner-sourced {Money(v.PartnerSourced)}\n");
        text.Append($"- Attributed revenue {Money(v.Attributed)} on {Money(v.Investment)} invested (MDF {Money(v.Mdf)}, rebates {Money(v.Rebates)}, enablement {Money(v.Enablement)}): " +
            $"ROPI {(v.Ropi is { } ropi ? ropi.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "n/a")}\n");
        var ttv = m.TimeToValue;
        text.Append(ttv.Reached == 0
            ? $"- Time to value: no first won deal yet ({ttv.Waiting} waiting)\n"
            : $"- Time to value: median {ttv.MedianDays:0} days to the first won deal; {(ttv.WithinTargetShare is { } share ? $"{share * 100:0} % within {ttv.TargetDays} days" : "none old enough to judge")}; {ttv.WaitingBeyondTarget} past {ttv.TargetDays} days without a win\n");
        text.Append(m.Psat.AverageScore is { } score
            ? $"- PSAT {score:0.0} of 10 ({ProgramText.Plural(m.Psat.Responses, "answer", "answers")}, {m.Psat.LowShare * 100:0} % low)\n"
            : "- PSAT: no answers in the period\n");
        if (m.Cac.Direct is { } direct)
        {
            text.Append($"- CAC: partner {(m.Cac.Partner.Cac is { } p ? Money(p) : "n/a")} per new customer ({m.Cac.Partner.NewCustomers:0}), direct {(direct.Cac is { } d ? Money(d) : "n/a")} ({direct.NewCustomers:0})\n");
        }

        if (m.Cltv.Count > 0)
        {
            var best = m.Cltv[0];
            text.Append($"- CLTV: highest for customers acquired by {best.AcquiredBy} ({Money(best.AverageLifetimeRevenue)} on average, {best.Customers} customers)\n");
        }

        text.Append($"- Registrations: {m.Registrations.PendingReviews} waiting for review, **{m.Registrations.OverdueReviews} overdue**\n");
        text.Append($"\n[Open the dashboard]({url}) for the charts, filters and CSV.");
        return AssistantReply.Say(text.ToString()).WithCard(ProgramCards.ProgramSummary(m, url))
            .WithSuggestions(caller.Role.IsPartner() ? ["what tier are we?", "how much MDF do we have left?"] : ["how satisfied are partners this quarter?", "show pending tier changes"]);
    });

    /// <summary>The dashboard address with the filter in its query string, so the page opens on the same figures.</summary>
    public static string DashboardLink(string dashboardUrl, MetricsFilter filter)
    {
        var query = new List<string> { $"from={filter.From:yyyy-MM-dd}", $"to={filter.To:yyyy-MM-dd}" };
        if (filter.PartnerType is { } type)
        {
            query.Add("partnerType=" + type);
        }

        if (filter.Tier is { } tier)
        {
            query.Add("tier=" + tier);
        }

        if (!string.IsNullOrWhiteSpace(filter.Region))
        {
            query.Add("region=" + Uri.EscapeDataString(filter.Region));
        }

        return dashboardUrl + (dashboardUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join("&", query);
    }

    private static string Describe(MetricsFilter filter) =>
        string.Join(", ", new[] { filter.PartnerType?.Describe() + "s", filter.Tier is { } t ? $"{t} tier" : null, filter.Region }.Where(s => !string.IsNullOrWhiteSpace(s) && s != "s"));

    private static string Money(decimal amount) => ProgramCards.Money(Math.Round(amount));
}
