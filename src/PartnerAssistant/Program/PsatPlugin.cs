using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;
using static PartnerAssistant.PartnerProgram.ProgramReplies;

namespace PartnerAssistant.PartnerProgram;

/// <summary>Partner satisfaction in chat: the survey card, its answers, and the results for the vendor's staff.</summary>
public sealed class PsatPlugin(PsatService psat, ProgramMetricsService metrics, TimeProvider time)
{
    [KernelFunction("TakeSurvey"), Description("For partners: shows the open partner satisfaction (PSAT) survey card, if there is one.")]
    public Task<AssistantReply> TakeSurveyAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (await psat.OpenSurveyAsync(caller, cancellationToken) is not { } survey)
        {
            return AssistantReply.Say(caller.Role.IsPartner()
                ? "There is no open survey for you right now — thank you if you already answered. The next one comes at the start of the next quarter."
                : "The PSAT survey is answered by partners. Ask \"how satisfied are partners this quarter?\" for the results.");
        }

        return AssistantReply.Say($"Here is the survey; it is open until {ProgramText.Date(survey.ClosesOn.AddDays(-1))}.").WithCard(ProgramCards.PsatSurvey(survey));
    });

    [KernelFunction("SubmitResponse"), Description("Submits the answers of the PSAT survey card (after confirmation).")]
    public Task<AssistantReply> SubmitResponseAsync(Kernel kernel,
        [Description("The submitted card as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var data = ProgramLanguage.TryParseObject(value);
        if (data is null || !long.TryParse(ProgramLanguage.Text(data, "surveyId"), NumberStyles.None, CultureInfo.InvariantCulture, out var surveyId))
        {
            return AssistantReply.Say("Use the survey card to answer: say \"take the PSAT survey\".");
        }

        int? Answer(string key) => ProgramLanguage.Number(data, key) is { } n && n == Math.Floor(n) ? (int)n : null;
        var values = PsatAnswers.Questions.Select(q => Answer(q.Key)).ToList();
        if (values.Any(v => v is null or < 0 or > 10))
        {
            return AssistantReply.Say("Please answer all five questions with a number from 0 to 10.");
        }

        var answers = new PsatAnswers(values[0]!.Value, values[1]!.Value, values[2]!.Value, values[3]!.Value, values[4]!.Value, ProgramLanguage.Text(data, "comment"));
        if (!IsConfirmed(confirmed))
        {
            return Confirm($"Send these answers? {string.Join(", ", PsatAnswers.Questions.Zip(values).Select(x => $"{x.First.Key} {x.Second}"))}" +
                    (answers.Comment is { } c ? $"; comment: \"{c}\"" : "") + ".",
                ProgramCards.SubmitPsatIntent, new() { ["value"] = data.ToJsonString() }, "send your PSAT answers",
                [.. PsatAnswers.Questions.Zip(values).Select(x => new ConfirmationFact(x.First.Key, x.Second!.Value.ToString(CultureInfo.InvariantCulture))), new("Comment", answers.Comment)]);
        }

        await psat.SubmitAsync(caller, surveyId, answers, cancellationToken);
        return AssistantReply.Say($"Thank you, {caller.FirstName}! Your answers (average {answers.Score.ToString("0.0", CultureInfo.InvariantCulture)} of 10) are recorded" +
            (answers.Score <= 6 ? ", and your channel manager will get in touch about what to improve." : ".") +
            " Answering each quarter also keeps the PSAT requirement of Silver and Gold met.");
    });

    [KernelFunction("PsatResults"), Description("For the vendor's staff: partner satisfaction (PSAT) for a period — average, low scores, by partner type, trend, comments.")]
    public Task<AssistantReply> PsatResultsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireInternal(caller, "see PSAT results");
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var (from, to) = DealLanguage.FindPeriod(utterance, today) ?? ProgramText.QuarterRange(ProgramText.QuarterOf(today));
        var filter = new MetricsFilter(from, to, ProgramLanguage.FindPartnerType(utterance), ProgramLanguage.FindTier(utterance), null);
        var m = await metrics.ComputeAsync(caller, filter, cancellationToken);
        var s = m.Psat;
        var text = new StringBuilder($"PSAT {ProgramText.Date(from)} – {ProgramText.Date(to)}{(filter.PartnerType is { } t ? $" ({t.Describe()}s)" : "")}: ");
        if (s.Responses == 0)
        {
            text.Append("no answers yet.");
        }
        else
        {
            text.Append($"**{s.AverageScore:0.0} of 10** from {ProgramText.Plural(s.Responses, "answer", "answers")} ({ProgramText.Plural(s.Partners, "partner", "partners")}); " +
                $"{s.LowShare * 100:0} % were low (6 or less).\n\n**By partner type**\n");
            foreach (var group in s.ByPartnerType)
            {
                text.Append($"- {group.Name}: {group.AverageScore:0.0} ({group.Responses})\n");
            }
        }

        text.Append("\n**Trend**: ").Append(string.Join(" → ", s.Trend.Select(q => $"{q.Quarter} {(q.AverageScore is { } a ? a.ToString("0.0", CultureInfo.InvariantCulture) : "–")}")));
        if (s.Comments.Count > 0)
        {
            text.Append("\n\n**Recent comments**\n").Append(string.Join("\n", s.Comments.Take(5).Select(c => $"- {c.Organisation} ({c.Score:0.0}): \"{c.Comment}\"")));
        }

        return AssistantReply.Say(text.ToString()).WithSuggestions("how is the program doing this quarter?");
    });
}
