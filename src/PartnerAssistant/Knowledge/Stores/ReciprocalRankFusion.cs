namespace PartnerAssistant.Knowledge.Stores;

/// <summary>
/// Reciprocal rank fusion: each list adds 1/(k + rank) for every item it ranks (rank from 1).
/// It needs no score calibration between the lists, which is why dense cosines and BM25 scores
/// can be combined at all.
/// </summary>
public static class ReciprocalRankFusion
{
    public sealed record Fused<T>(T Item, double Score, int? DenseRank, int? KeywordRank);

    public static IReadOnlyList<Fused<T>> Fuse<T>(IReadOnlyList<T> dense, IReadOnlyList<T> keyword, int k, int top) where T : notnull
    {
        var fused = new Dictionary<T, (double Score, int? Dense, int? Keyword)>();
        for (var i = 0; i < dense.Count; i++)
        {
            var current = fused.GetValueOrDefault(dense[i]);
            fused[dense[i]] = (current.Score + 1.0 / (k + i + 1), i + 1, current.Keyword);
        }

        for (var i = 0; i < keyword.Count; i++)
        {
            var current = fused.GetValueOrDefault(keyword[i]);
            fused[keyword[i]] = (current.Score + 1.0 / (k + i + 1), current.Dense, i + 1);
        }

        // Ties (same fused score) go to the better dense rank: meaning first, then words.
        return fused
            .OrderByDescending(kv => kv.Value.Score)
            .ThenBy(kv => kv.Value.Dense ?? int.MaxValue)
            .ThenBy(kv => kv.Value.Keyword ?? int.MaxValue)
            .Take(top)
            .Select(kv => new Fused<T>(kv.Key, kv.Value.Score, kv.Value.Dense, kv.Value.Keyword))
            .ToList();
    }
}
