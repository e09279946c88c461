using System.Text.Json.Serialization;

namespace PartnerAssistant.Deals;

/// <summary>How credit for a won deal is shared between the partners that touched it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AttributionModel>))]
public enum AttributionModel
{
    FirstTouch,
    LastTouch,
    Linear,

    /// <summary>Touches closer to the close weigh more; the weight halves every half-life (7 days by default).</summary>
    TimeDecay,

    /// <summary>U-shaped: 40 % first touch, 40 % last touch, 20 % shared by the touches between.</summary>
    PositionBased,

    /// <summary>30 % first touch, 30 % the touch that created the registration, 30 % last touch, 10 % shared by the rest.</summary>
    WShaped,

    /// <summary>Each partner's average marginal contribution over every order in which the partners could have joined.</summary>
    Shapley,
}

public static class AttributionModels
{
    public static string Code(AttributionModel model) => model switch
    {
        AttributionModel.FirstTouch => "first-touch",
        AttributionModel.LastTouch => "last-touch",
        AttributionModel.Linear => "linear",
        AttributionModel.TimeDecay => "time-decay",
        AttributionModel.PositionBased => "position-based",
        AttributionModel.WShaped => "w-shaped",
        AttributionModel.Shapley => "shapley",
        _ => model.ToString().ToLowerInvariant(),
    };

    public static string Describe(AttributionModel model) => model switch
    {
        AttributionModel.FirstTouch => "first-touch",
        AttributionModel.LastTouch => "last-touch",
        AttributionModel.Linear => "linear",
        AttributionModel.TimeDecay => "time-decay",
        AttributionModel.PositionBased => "position-based (U-shaped 40/20/40)",
        AttributionModel.WShaped => "W-shaped (30/30/30, 10 shared)",
        AttributionModel.Shapley => "Shapley value",
        _ => model.ToString(),
    };

    /// <summary>Reads a model name as people write it ("u-shaped", "time decay", "shapley", "first touch").</summary>
    public static AttributionModel? Parse(string? text)
    {
        var value = new string((text ?? "").ToLowerInvariant().Where(char.IsLetterOrDigit).ToArray());
        return value switch
        {
            "firsttouch" or "first" => AttributionModel.FirstTouch,
            "lasttouch" or "last" => AttributionModel.LastTouch,
            "linear" or "even" or "equal" => AttributionModel.Linear,
            "timedecay" or "decay" or "time" => AttributionModel.TimeDecay,
            "positionbased" or "position" or "ushaped" or "u" or "u404020" or "404020" => AttributionModel.PositionBased,
            "wshaped" or "w" => AttributionModel.WShaped,
            "shapley" or "shapleyvalue" => AttributionModel.Shapley,
            _ => null,
        };
    }

    /// <summary>Finds a model named anywhere in a sentence; null when none is.</summary>
    public static AttributionModel? Find(string? text)
    {
        var lower = (text ?? "").ToLowerInvariant();
        (string Phrase, AttributionModel Model)[] phrases =
        [
            ("first-touch", AttributionModel.FirstTouch), ("first touch", AttributionModel.FirstTouch),
            ("last-touch", AttributionModel.LastTouch), ("last touch", AttributionModel.LastTouch),
            ("time-decay", AttributionModel.TimeDecay), ("time decay", AttributionModel.TimeDecay), ("decay", AttributionModel.TimeDecay),
            ("u-shaped", AttributionModel.PositionBased), ("u shaped", AttributionModel.PositionBased), ("position", AttributionModel.PositionBased), ("40/20/40", AttributionModel.PositionBased),
            ("w-shaped", AttributionModel.WShaped), ("w shaped", AttributionModel.WShaped),
            ("shapley", AttributionModel.Shapley),
            ("linear", AttributionModel.Linear), ("evenly", AttributionModel.Linear), ("equal split", AttributionModel.Linear),
        ];
        return phrases.Where(p => lower.Contains(p.Phrase, StringComparison.Ordinal)).Select(p => (AttributionModel?)p.Model).FirstOrDefault();
    }
}

/// <summary>One touch as attribution sees it. <see cref="Order"/> breaks ties between touches on the same day (recording order).</summary>
public sealed record AttributionTouch(string PartnerId, PartnerRole Role, DateOnly On, bool CreatedRegistration, long Order);

/// <summary>A won deal to share: its revenue in the reporting currency, its close date and its touches.</summary>
public sealed record AttributionDeal(long Number, decimal Revenue, DateOnly ClosedOn, IReadOnlyList<AttributionTouch> Touches);

/// <summary>
/// Shares a won deal's revenue between partners under one of the program's attribution models.
/// Position models work on touches (a partner with two touches collects both shares); Shapley works
/// on partners. Touches dated after the close are ignored (they could not have helped win it) unless
/// they are all there is.
/// </summary>
public sealed class AttributionEngine(double halfLifeDays = 7, int shapleyExactLimit = 12, int shapleySamples = 5000)
{
    public IReadOnlyDictionary<string, decimal> Credit(AttributionDeal deal, AttributionModel model, WinRateHistory? history = null)
    {
        var touches = deal.Touches.Where(t => t.On <= deal.ClosedOn).ToList();
        if (touches.Count == 0)
        {
            touches = deal.Touches.ToList();
        }

        if (touches.Count == 0)
        {
            return new Dictionary<string, decimal>();
        }

        touches.Sort((a, b) => a.On != b.On ? a.On.CompareTo(b.On) : a.Order.CompareTo(b.Order));
        var weights = model == AttributionModel.Shapley
            ? ShapleyWeights(touches, history ?? WinRateHistory.Empty)
            : PartnerWeights(touches, TouchWeights(touches, model, deal.ClosedOn));
        return Allocate(deal.Revenue, weights);
    }

    /// <summary>Each touch's share of the credit (summing to 1) for the position-based and simple models.</summary>
    public double[] TouchWeights(IReadOnlyList<AttributionTouch> ordered, AttributionModel model, DateOnly closedOn)
    {
        var n = ordered.Count;
        var weights = new double[n];
        if (n == 1)
        {
            weights[0] = 1;
            return weights;
        }

        switch (model)
        {
            case AttributionModel.FirstTouch:
                weights[0] = 1;
                break;
            case AttributionModel.LastTouch:
                weights[n - 1] = 1;
                break;
            case AttributionModel.Linear:
                Array.Fill(weights, 1.0 / n);
                break;
            case AttributionModel.TimeDecay:
                for (var i = 0; i < n; i++)
                {
                    var daysBefore = closedOn.DayNumber - ordered[i].On.DayNumber;
                    weights[i] = Math.Pow(0.5, Math.Max(0, daysBefore) / halfLifeDays);
                }

                Normalise(weights);
                break;
            case AttributionModel.PositionBased:
                if (n == 2)
                {
                    weights[0] = weights[1] = 0.5;
                }
                else
                {
                    weights[0] = weights[n - 1] = 0.4;
                    for (var i = 1; i < n - 1; i++)
                    {
                        weights[i] = 0.2 / (n - 2);
                    }
                }

                break;
            case AttributionModel.WShaped:
                // The registration touch is the middle anchor; when it is also the first or last touch,
                // that touch holds both anchor shares. With no touches left over, the anchors share everything.
                var registration = ordered.ToList().FindIndex(t => t.CreatedRegistration);
                var anchors = new[] { 0, registration >= 0 ? registration : (n - 1) / 2, n - 1 };
                foreach (var anchor in anchors)
                {
                    weights[anchor] += 0.3;
                }

                var others = Enumerable.Range(0, n).Where(i => !anchors.Contains(i)).ToList();
                foreach (var i in others)
                {
                    weights[i] = 0.1 / others.Count;
                }

                Normalise(weights);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(model), model, "Not a touch-position model.");
        }

        return weights;
    }

    private static Dictionary<string, double> PartnerWeights(IReadOnlyList<AttributionTouch> touches, double[] weights)
    {
        var byPartner = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < touches.Count; i++)
        {
            byPartner[touches[i].PartnerId] = byPartner.GetValueOrDefault(touches[i].PartnerId) + weights[i];
        }

        return byPartner;
    }

    /// <summary>
    /// The partners are the players. A coalition's value is how much more often, historically, deals with
    /// the roles its members play were won than deals in general (<see cref="WinRateHistory"/>). Negative
    /// contributions (a role mix that historically wins less) earn no credit, and the shares are scaled
    /// to the revenue. Without usable history every partner gets an equal share.
    /// </summary>
    private Dictionary<string, double> ShapleyWeights(IReadOnlyList<AttributionTouch> touches, WinRateHistory history)
    {
        var partners = touches.Select(t => t.PartnerId).Distinct(StringComparer.Ordinal).ToList();
        var roleMasks = partners.Select(p => touches.Where(t => t.PartnerId == p).Aggregate(0, (mask, t) => mask | (1 << (int)t.Role))).ToArray();
        var baseline = history.WinRate(0);
        var values = Shapley.Compute(partners.Count, coalition =>
        {
            var roles = 0;
            for (var i = 0; i < roleMasks.Length; i++)
            {
                if ((coalition & (1 << i)) != 0)
                {
                    roles |= roleMasks[i];
                }
            }

            return Math.Max(0, history.WinRate(roles) - baseline);
        }, shapleyExactLimit, shapleySamples, seed: partners.Count * 7919 + touches.Count);

        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < partners.Count; i++)
        {
            weights[partners[i]] = Math.Max(0, values[i]);
        }

        if (weights.Values.Sum() <= 1e-12)
        {
            foreach (var partner in partners)
            {
                weights[partner] = 1;
            }
        }

        return weights;
    }

    /// <summary>Splits an amount by weights, to the cent, with the rounding remainder on the largest share so the parts add up.</summary>
    public static IReadOnlyDictionary<string, decimal> Allocate(decimal total, IReadOnlyDictionary<string, double> weights)
    {
        var sum = weights.Values.Sum();
        var result = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (weights.Count == 0)
        {
            return result;
        }

        foreach (var (partner, weight) in weights)
        {
            result[partner] = sum > 0 ? Math.Round(total * (decimal)(weight / sum), 2) : Math.Round(total / weights.Count, 2);
        }

        var remainder = total - result.Values.Sum();
        if (remainder != 0)
        {
            var largest = result.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).First().Key;
            result[largest] += remainder;
        }

        return result;
    }

    private static void Normalise(double[] weights)
    {
        var sum = weights.Sum();
        if (sum <= 0)
        {
            return;
        }

        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= sum;
        }
    }
}

/// <summary>
/// How often closed deals were won, by the set of partner roles that touched them: the value function of
/// the Shapley model. <see cref="WinRate"/> of a role set is the smoothed win rate of closed deals whose
/// touches include all those roles; with little history it stays near the overall win rate.
/// </summary>
public sealed class WinRateHistory
{
    private const double Smoothing = 2.0;
    private readonly double[] _rates = new double[1 << 6];

    public static WinRateHistory Empty { get; } = new([]);

    public WinRateHistory(IEnumerable<(int RoleMask, bool Won)> closedDeals)
    {
        var deals = closedDeals.ToList();
        Count = deals.Count;
        var overall = deals.Count == 0 ? 0.5 : deals.Count(d => d.Won) / (double)deals.Count;
        for (var mask = 0; mask < _rates.Length; mask++)
        {
            var total = 0;
            var won = 0;
            foreach (var (roleMask, isWon) in deals)
            {
                if ((roleMask & mask) == mask)
                {
                    total++;
                    won += isWon ? 1 : 0;
                }
            }

            _rates[mask] = (won + Smoothing * overall) / (total + Smoothing);
        }
    }

    /// <summary>The number of closed deals the rates come from.</summary>
    public int Count { get; }

    public double WinRate(int roleMask) => _rates[roleMask & (_rates.Length - 1)];

    public static int MaskOf(IEnumerable<PartnerRole> roles) => roles.Aggregate(0, (mask, role) => mask | (1 << (int)role));
}

/// <summary>Shapley values of a cooperative game given by its characteristic function over coalitions (bit masks).</summary>
public static class Shapley
{
    /// <summary>Exact (every coalition) for up to <paramref name="exactLimit"/> players; beyond, the mean marginal
    /// contribution over <paramref name="samples"/> random join orders (seeded, so a deal always gets the same answer).</summary>
    public static double[] Compute(int players, Func<int, double> value, int exactLimit = 12, int samples = 5000, int seed = 17)
    {
        if (players == 0)
        {
            return [];
        }

        if (players > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(players), players, "At most 30 players.");
        }

        return players <= exactLimit ? Exact(players, value) : Sampled(players, value, samples, seed);
    }

    public static double[] Exact(int players, Func<int, double> value)
    {
        var size = 1 << players;
        var v = new double[size];
        for (var mask = 0; mask < size; mask++)
        {
            v[mask] = value(mask);
        }

        // weight[s] = s! (n - s - 1)! / n!, the share of join orders in which a player finds exactly s others before it.
        var weight = new double[players];
        for (var s = 0; s < players; s++)
        {
            weight[s] = 1.0 / (players * Binomial(players - 1, s));
        }

        var result = new double[players];
        for (var mask = 0; mask < size; mask++)
        {
            var s = System.Numerics.BitOperations.PopCount((uint)mask);
            if (s == players)
            {
                continue;
            }

            var w = weight[s];
            var vMask = v[mask];
            for (var i = 0; i < players; i++)
            {
                var bit = 1 << i;
                if ((mask & bit) == 0)
                {
                    result[i] += w * (v[mask | bit] - vMask);
                }
            }
        }

        return result;
    }

    public static double[] Sampled(int players, Func<int, double> value, int samples, int seed)
    {
        var random = new Random(seed);
        var cache = new Dictionary<int, double>();
        double V(int mask)
        {
            if (!cache.TryGetValue(mask, out var result))
            {
                result = value(mask);
                cache[mask] = result;
            }

            return result;
        }

        var order = Enumerable.Range(0, players).ToArray();
        var totals = new double[players];
        for (var sample = 0; sample < samples; sample++)
        {
            random.Shuffle(order);
            var mask = 0;
            var previous = V(0);
            foreach (var player in order)
            {
                mask |= 1 << player;
                var current = V(mask);
                totals[player] += current - previous;
                previous = current;
            }
        }

        for (var i = 0; i < players; i++)
        {
            totals[i] /= samples;
        }

        return totals;
    }

    private static double Binomial(int n, int k)
    {
        var result = 1.0;
        for (var i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }
}
