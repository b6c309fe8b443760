/** SQL:2016 reserved words common to the three databases; each dialect adds its own. */
export const ANSI_RESERVED: readonly string[] = (
  "all analyse analyze and any array as asc asymmetric authorization between binary both case cast check collate " +
  "column constraint create cross current_catalog current_date current_role current_schema current_time " +
  "current_timestamp current_user default deferrable delete desc distinct do drop else end except exists false " +
  "fetch for foreign freeze from full grant group having ilike in index initially inner insert intersect into is " +
  "isnull join key lateral leading left like limit localtime localtimestamp natural not notnull null offset on " +
  "only or order outer over overlaps placing primary references returning right row rows select session_user set " +
  "similar some symmetric table tablesample then to trailing true union unique update user using values variadic " +
  "verbose when where window with"
).split(" ");
