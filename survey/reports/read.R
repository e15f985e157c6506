# Mindset Survey: the responses of an export with their labels, in base R (no package needed).
#
# In the folder this file came in:  source("read.R")  gives a data frame `responses`.
# Every column has the attribute "label" (the statement's wording, or what the column holds);
# coded columns also have "labels" (value -> label, as the haven package keeps them), and their
# user-missing codes ("does not apply") are NA. codebook.csv says each column's type, level of
# measurement, keying (contractual items are reverse-keyed when scored) and dimension.
# Text that a spreadsheet would run as a formula starts with an apostrophe, as in every export.

codebook <- read.csv("codebook.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
values <- read.csv("values.csv", stringsAsFactors = FALSE, encoding = "UTF-8")
responses <- read.csv(
  "responses.csv",
  colClasses = setNames(ifelse(codebook$type == "text", "character", "numeric"), codebook$variable),
  encoding = "UTF-8", na.strings = "", check.names = FALSE
)
for (i in seq_len(nrow(codebook))) {
  name <- codebook$variable[i]
  coded <- values[values$variable == name, ]
  column <- responses[[name]]
  column[column %in% coded$value[coded$missing]] <- NA
  if (nrow(coded) > 0) attr(column, "labels") <- setNames(coded$value, coded$label)
  attr(column, "label") <- codebook$label[i]
  responses[[name]] <- column
}
rm(codebook, values, i, name, coded, column)
