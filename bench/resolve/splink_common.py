"""What both Splink peers of the resolve benchmark share (peer_splink.py on FEBRL,
peer_splink_corridor.py on the synthetic corridor data)."""

import splink.comparison_level_library as cll
import splink.comparison_library as cl


class FixedDateOfBirthComparison(cl.DateOfBirthComparison):
    """DateOfBirthComparison with datetime_format reaching every level (Splink 4
    bug #2714: the "abs date difference" levels otherwise parse '%Y-%m-%d')."""

    def create_comparison_levels(self):
        levels = super().create_comparison_levels()
        for level in levels:
            if isinstance(level, cll.AbsoluteDateDifferenceLevel):
                level.datetime_format = self.datetime_format
        return levels


def predict_and_cluster(linker, con, pairs_csv, clusters_csv):
    """Scores every blocked pair (no threshold), writes them and the clusters at
    match probability 0.5 as CSV; returns the number of pairs scored."""
    predictions = linker.inference.predict()
    pairs_scored = con.sql(f"select count(*) from {predictions.physical_name}").fetchall()[0][0]
    con.execute(f"""COPY (select rec_id_l, rec_id_r, match_probability
                          from {predictions.physical_name})
                    TO '{pairs_csv}' (HEADER, DELIMITER ',')""")
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=0.5
    )
    con.execute(f"""COPY (select rec_id, cluster_id from {clusters.physical_name})
                    TO '{clusters_csv}' (HEADER, DELIMITER ',')""")
    return pairs_scored
