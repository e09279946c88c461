using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>The five answers of a PSAT survey, 0–10 each.</summary>
public sealed record PsatAnswers(int Overall, int EaseOfBusiness, int Enablement, int Support, int Recommend, string? Comment)
{
    public static readonly IReadOnlyList<(string Key, string Question)> Questions =
    [
        ("overall", "How satisfied are you with the Northbeam Partner Network overall?"),
        ("ease", "How easy is it to do business with Northbeam (portal, deal registration, funds)?"),
        ("enablement", "How good is the enablement: courses, certifications, playbooks?"),
        ("support", "How quickly and well does Northbeam respond when you need support?"),
        ("recommend", "How likely are you to recommend the program to another partner?"),
    ];

    public double Score => (Overall + EaseOfBusiness + Enablement + Support + Recommend) / 5.0;
}

public sealed record OpenSurvey(long SurveyId, SurveyKind Kind, string Period, DateOnly ClosesOn);

public sealed record PsatGroup(string Name, int Responses, double? AverageScore, double LowShare);

public sealed record PsatQuarter(string Quarter, int Responses, double? AverageScore);

public sealed record PsatComment(string Organisation, string PartnerType, double Score, string Comment, DateOnly On);

/// <summary>PSAT over a period, for a set of partners.</summary>
public sealed record PsatSummary(int Responses, int Partners, double? AverageScore, double LowShare, IReadOnlyList<PsatGroup> ByPartnerType, IReadOnlyList<PsatQuarter> Trend, IReadOnlyList<PsatComment> Comments);

/// <summary>
/// Partner satisfaction: the five-question survey card sent each quarter and after onboarding and a first won
/// deal, answers stored one per person and survey, and the figures channel managers follow (average score,
/// share of low scores, by partner type, quarterly trend, comments). Participation is what tiers count.
/// </summary>
public sealed class PsatService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    ProgramNotifier notifier,
    IOptions<PsatOptions> options,
    TimeProvider time,
    ILogger<PsatService> logger)
{
    /// <summary>The period of milestone surveys: each is sent once per partner.</summary>
    public const string Once = "once";

    private PsatOptions Settings => options.Value;

    /// <summary>At the start of a quarter, sends every partner the survey about the quarter just ended (once). Returns how many were sent.</summary>
    public async Task<int> SendQuarterlyAsync(CancellationToken cancellationToken)
    {
        if (!Settings.Quarterly)
        {
            return 0;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var period = ProgramText.QuarterName(ProgramText.PreviousQuarter(ProgramText.QuarterOf(today)));
        var partners = (await directory.ListOrganisationsAsync(cancellationToken)).Where(o => !o.IsVendor && o.JoinedAt.UtcDateTime.Date < today.ToDateTime(TimeOnly.MinValue)).ToList();
        HashSet<string> already;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            already = (await db.PsatSurveys.AsNoTracking().Where(s => s.Kind == SurveyKind.Quarterly && s.Period == period).Select(s => s.OrganisationId).ToListAsync(cancellationToken)).ToHashSet();
        }

        var sent = 0;
        foreach (var partner in partners.Where(p => !already.Contains(p.Id)))
        {
            if (await CreateAndSendAsync(partner, SurveyKind.Quarterly, period, cancellationToken))
            {
                sent++;
            }
        }

        if (sent > 0)
        {
            logger.LogInformation("Sent the {Period} PSAT survey to {Partners} partners", period, sent);
        }

        return sent;
    }

    /// <summary>Sends the after-onboarding or after-first-win survey, once per partner.</summary>
    public async Task<bool> SendMilestoneSurveyAsync(string organisationId, SurveyKind kind, CancellationToken cancellationToken)
    {
        if ((kind == SurveyKind.AfterOnboarding && !Settings.AfterOnboarding) || (kind == SurveyKind.AfterFirstWin && !Settings.AfterFirstWin) || kind == SurveyKind.Quarterly)
        {
            return false;
        }

        var organisation = await directory.FindOrganisationAsync(organisationId, cancellationToken);
        return organisation is not null && await CreateAndSendAsync(organisation, kind, Once, cancellationToken);
    }

    /// <summary>The newest open survey of the caller's organisation that the caller has not answered yet.</summary>
    public async Task<OpenSurvey?> OpenSurveyAsync(Caller caller, CancellationToken cancellationToken)
    {
        if (!caller.Role.IsPartner())
        {
            return null;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var answered = db.PsatResponses.Where(r => r.PersonId == caller.Person.Id).Select(r => r.SurveyId);
        var survey = await db.PsatSurveys.AsNoTracking()
            .Where(s => s.OrganisationId == caller.OrganisationId && s.ClosesAtMs > nowMs && !answered.Contains(s.Id))
            .OrderByDescending(s => s.SentAtMs)
            .FirstOrDefaultAsync(cancellationToken);
        return survey is null ? null : new OpenSurvey(survey.Id, survey.Kind, survey.Period, ProgramText.ToDate(survey.ClosesAtMs));
    }

    /// <summary>Stores one person's answers to a survey of their organisation while it is open.</summary>
    public async Task<PsatResponse> SubmitAsync(Caller caller, long surveyId, PsatAnswers answers, CancellationToken cancellationToken)
    {
        if (!caller.Role.IsPartner())
        {
            throw new ProgramAccessDeniedException("The PSAT survey is answered by partners.");
        }

        var values = new[] { answers.Overall, answers.EaseOfBusiness, answers.Enablement, answers.Support, answers.Recommend };
        if (values.Any(v => v is < 0 or > 10))
        {
            throw new ProgramValidationException(["Every answer is a number from 0 to 10."]);
        }

        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var survey = await db.PsatSurveys.AsNoTracking().FirstOrDefaultAsync(s => s.Id == surveyId, cancellationToken)
            ?? throw new ProgramNotFoundException("That survey does not exist.");
        if (survey.OrganisationId != caller.OrganisationId)
        {
            throw new ProgramAccessDeniedException("That survey was sent to another organisation.");
        }

        if (survey.ClosesAtMs <= nowMs)
        {
            throw new ProgramRuleException($"That survey closed on {ProgramText.Date(survey.ClosesAtMs)}; the next one comes at the start of the next quarter.");
        }

        if (await db.PsatResponses.AnyAsync(r => r.SurveyId == surveyId && r.PersonId == caller.Person.Id, cancellationToken))
        {
            throw new ProgramRuleException("You have already answered this survey — thank you!");
        }

        var response = new PsatResponse
        {
            SurveyId = surveyId,
            OrganisationId = caller.OrganisationId,
            PersonId = caller.Person.Id,
            RespondedAtMs = nowMs,
            Quarter = ProgramText.QuarterOf(DateOnly.FromDateTime(now.UtcDateTime)),
            Overall = answers.Overall,
            EaseOfBusiness = answers.EaseOfBusiness,
            Enablement = answers.Enablement,
            Support = answers.Support,
            Recommend = answers.Recommend,
            Comment = string.IsNullOrWhiteSpace(answers.Comment) ? null : answers.Comment.Trim()[..Math.Min(answers.Comment.Trim().Length, 2000)],
            ScoreX100 = (int)Math.Round(answers.Score * 100),
        };
        db.PsatResponses.Add(response);
        db.Audit.Add(ProgramAudit.Entry(caller, "psat-answered", caller.OrganisationId, survey.Kind + ":" + survey.Period, null, new { score = answers.Score }, nowMs));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same card submitted twice at once: the unique (survey, person) index let one through.
            throw new ProgramRuleException("You have already answered this survey — thank you!");
        }

        if (answers.Score <= Settings.LowScore)
        {
            var organisation = caller.Organisation;
            await notifier.SendAsync(await notifier.ChannelManagersAsync(cancellationToken), AssistantReply.Say(
                $"Low PSAT score from {organisation.Name} ({organisation.PartnerType?.Describe() ?? "partner"}): {answers.Score:0.0} of 10" +
                (response.Comment is { } comment ? $" — \"{comment}\"" : "") + ". The program asks for a call within two weeks."), cancellationToken);
        }

        return response;
    }

    /// <summary>
    /// PSAT over [<paramref name="from"/>, <paramref name="to"/>] for the partners in <paramref name="partners"/> (null: all):
    /// average score, share of low scores, by partner type, a quarterly trend ending with the quarter of <paramref name="to"/>,
    /// and recent comments (only when <paramref name="withComments"/>: comments are for the channel team).
    /// </summary>
    public async Task<PsatSummary> SummaryAsync(DateOnly from, DateOnly to, IReadOnlyDictionary<string, Organisation> partners, bool allPartners, bool withComments, CancellationToken cancellationToken)
    {
        var fromMs = ProgramText.ToUnixMs(from);
        var toMs = ProgramText.ToUnixMs(to.AddDays(1));
        var lastQuarter = ProgramText.QuarterOf(to);
        var firstQuarter = lastQuarter;
        for (var i = 1; i < Settings.TrendQuarters; i++)
        {
            firstQuarter = ProgramText.PreviousQuarter(firstQuarter);
        }

        var low = (int)Math.Round(Settings.LowScore * 100);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var ids = partners.Keys.ToList();
        var responses = db.PsatResponses.AsNoTracking();
        if (!allPartners)
        {
            responses = responses.Where(r => ids.Contains(r.OrganisationId));
        }

        // Aggregated per organisation in SQL; at most one row per partner comes back.
        var inPeriod = await responses.Where(r => r.RespondedAtMs >= fromMs && r.RespondedAtMs < toMs)
            .GroupBy(r => r.OrganisationId)
            .Select(g => new { Organisation = g.Key, Count = g.Count(), Sum = g.Sum(r => (long)r.ScoreX100), Low = g.Count(r => r.ScoreX100 <= low) })
            .ToListAsync(cancellationToken);
        var trendRows = await responses.Where(r => r.Quarter >= firstQuarter && r.Quarter <= lastQuarter)
            .GroupBy(r => r.Quarter)
            .Select(g => new { Quarter = g.Key, Count = g.Count(), Sum = g.Sum(r => (long)r.ScoreX100) })
            .ToListAsync(cancellationToken);

        inPeriod = inPeriod.Where(r => partners.ContainsKey(r.Organisation)).ToList();
        var total = inPeriod.Sum(r => r.Count);
        var byType = inPeriod.GroupBy(r => partners[r.Organisation].PartnerType?.Describe() ?? "unknown")
            .Select(g => new PsatGroup(g.Key, g.Sum(r => r.Count), Average(g.Sum(r => r.Sum), g.Sum(r => r.Count)), Share(g.Sum(r => r.Low), g.Sum(r => r.Count))))
            .OrderByDescending(g => g.Responses).ThenBy(g => g.Name, StringComparer.Ordinal).ToList();
        var trend = new List<PsatQuarter>();
        for (var quarter = firstQuarter; ; quarter = NextQuarter(quarter))
        {
            var row = trendRows.FirstOrDefault(r => r.Quarter == quarter);
            trend.Add(new PsatQuarter(ProgramText.QuarterName(quarter), row?.Count ?? 0, row is null ? null : Average(row.Sum, row.Count)));
            if (quarter == lastQuarter)
            {
                break;
            }
        }

        var comments = new List<PsatComment>();
        if (withComments)
        {
            var recent = await responses.Where(r => r.RespondedAtMs >= fromMs && r.RespondedAtMs < toMs && r.Comment != null)
                .OrderByDescending(r => r.RespondedAtMs).Take(50)
                .Select(r => new { r.OrganisationId, r.ScoreX100, r.Comment, r.RespondedAtMs })
                .ToListAsync(cancellationToken);
            comments = recent.Where(r => partners.ContainsKey(r.OrganisationId)).Take(10)
                .Select(r => new PsatComment(partners[r.OrganisationId].Name, partners[r.OrganisationId].PartnerType?.Describe() ?? "unknown", r.ScoreX100 / 100.0, r.Comment!, ProgramText.ToDate(r.RespondedAtMs)))
                .ToList();
        }

        return new PsatSummary(total, inPeriod.Count, Average(inPeriod.Sum(r => r.Sum), total), Share(inPeriod.Sum(r => r.Low), total), byType, trend, comments);
    }

    /// <summary>The quarters (year × 10 + quarter) in which someone of each organisation answered a survey.</summary>
    public async Task<Dictionary<string, HashSet<int>>> AnsweredQuartersAsync(string? organisationId, int fromQuarter, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var rows = await db.PsatResponses.AsNoTracking()
            .Where(r => r.Quarter >= fromQuarter && (organisationId == null || r.OrganisationId == organisationId))
            .Select(r => new { r.OrganisationId, r.Quarter })
            .Distinct()
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.OrganisationId).ToDictionary(g => g.Key, g => g.Select(r => r.Quarter).ToHashSet(), StringComparer.Ordinal);
    }

    private async Task<bool> CreateAndSendAsync(Organisation partner, SurveyKind kind, string period, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var quarterEnd = ProgramText.QuarterRange(ProgramText.QuarterOf(today)).End;
        // Open for the rest of the quarter it was sent in, and never less than two weeks.
        var closes = quarterEnd.AddDays(1) > today.AddDays(14) ? quarterEnd.AddDays(1) : today.AddDays(14);
        var survey = new PsatSurvey { OrganisationId = partner.Id, Kind = kind, Period = period, SentAtMs = now.ToUnixTimeMilliseconds(), ClosesAtMs = ProgramText.ToUnixMs(closes) };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            if (await db.PsatSurveys.AnyAsync(s => s.OrganisationId == partner.Id && s.Kind == kind && s.Period == period, cancellationToken))
            {
                return false;
            }

            db.PsatSurveys.Add(survey);
            db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "psat-sent", partner.Id, kind + ":" + period, null, null, survey.SentAtMs));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replica created it a moment ago; it sends the card.
                return false;
            }
        }

        var why = kind switch
        {
            SurveyKind.AfterOnboarding => $"{partner.Name} has finished onboarding. How did it go?",
            SurveyKind.AfterFirstWin => $"Congratulations on {Possessive.Of(partner.Name)} first won Northbeam deal! How is the program working for you?",
            _ => $"It is time for the quarterly partner satisfaction survey about {period}.",
        };
        var open = new OpenSurvey(survey.Id, kind, period, closes);
        await notifier.SendAsync(await notifier.AdminsOrEveryoneAsync(partner.Id, cancellationToken),
            AssistantReply.Say($"{why} Five questions, about two minutes; open until {ProgramText.Date(closes.AddDays(-1))}.").WithCard(ProgramCards.PsatSurvey(open)),
            cancellationToken);
        return true;
    }

    private static int NextQuarter(int quarter) => quarter % 10 == 4 ? ((quarter / 10) + 1) * 10 + 1 : quarter + 1;

    private static double? Average(long sumX100, int count) => count == 0 ? null : Math.Round(sumX100 / 100.0 / count, 2);

    private static double Share(int part, int total) => total == 0 ? 0 : Math.Round(part / (double)total, 3);
}
