using System.Text.Json.Nodes;
using PartnerAssistant.Cards;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// The answer card: the answer, its numbered sources (each opens the document at its section),
/// related questions that ask themselves when clicked, and a thumbs up / thumbs down (the latter
/// with an optional reason).
/// </summary>
public static class AnswerCard
{
    public const string AskIntent = "Knowledge.Ask";
    public const string FeedbackIntent = "Knowledge.Feedback";

    public static JsonObject Build(KnowledgeAnswer answer)
    {
        // The question heads the card, so an answer to a clicked related question says what it answers.
        var card = AdaptiveCardBuilder.Create().Text(answer.Question, subtle: true, size: "Small").Text(answer.Text);
        if (answer.Citations.Count > 0)
        {
            card.Text("Sources", subtle: true, size: "Small", weight: "Bolder");
            foreach (var citation in answer.Citations)
            {
                var label = citation.Section.Length == 0 ? citation.Title : $"{citation.Title} › {citation.Section}";
                var block = new JsonObject
                {
                    ["type"] = "TextBlock",
                    ["text"] = citation.Url is null ? $"[{citation.Number}] {label}" : $"[{citation.Number}] [{label}]({citation.Url})",
                    ["wrap"] = true,
                    ["size"] = "Small",
                };
                var container = new JsonObject { ["type"] = "Container", ["spacing"] = "Small", ["items"] = new JsonArray(block) };
                if (citation.Url is not null)
                {
                    container["selectAction"] = new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = $"Open source {citation.Number}", ["url"] = citation.Url };
                }

                card.Add(container);
            }
        }

        if (answer.FollowUps.Count > 0)
        {
            card.Text("Related questions", subtle: true, size: "Small", weight: "Bolder");
            var actions = new JsonArray();
            foreach (var question in answer.FollowUps)
            {
                actions.Add(new JsonObject
                {
                    ["type"] = "Action.Submit",
                    ["title"] = question,
                    ["data"] = new JsonObject { ["action"] = AskIntent, ["question"] = question },
                });
            }

            card.Add(new JsonObject { ["type"] = "ActionSet", ["actions"] = actions });
        }

        var reason = AdaptiveCardBuilder.Create()
            .TextInput("reason", "What was wrong or missing? (optional)", placeholder: "e.g. the MDF amounts are out of date", multiline: true, maxLength: 500)
            .Submit("Send feedback", FeedbackIntent, new JsonObject { ["questionId"] = answer.QuestionId, ["helpful"] = false })
            .Build();
        return card
            .Submit("👍 Helpful", FeedbackIntent, new JsonObject { ["questionId"] = answer.QuestionId, ["helpful"] = true })
            .ShowCard("👎 Not helpful", reason)
            .Build();
    }
}
