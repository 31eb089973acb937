/*
 * assess_sql.h - the measure columns of assess_facts and assess_daily, in
 * enum assess_measure order, for the two backends' statements (007).
 * Not for use outside src/store/.
 */
#ifndef REXIAN_STORE_ASSESS_SQL_H
#define REXIAN_STORE_ASSESS_SQL_H

#define ASSESS_COLS \
    "received, sign_num, sign_den, reply_num, reply_den, overdue, returned, " \
    "return_accepted, return_refused, ext_asked, ext_approved, reopened, urged, resp_num, " \
    "resp_den, resol_num, resol_den, sat_num, sat_den, redo_num, redo_den"
#define ASSESS_SUM_COLS \
    "sum(received), " \
    "sum(sign_num), " \
    "sum(sign_den), " \
    "sum(reply_num), " \
    "sum(reply_den), " \
    "sum(overdue), " \
    "sum(returned), " \
    "sum(return_accepted), " \
    "sum(return_refused), " \
    "sum(ext_asked), " \
    "sum(ext_approved), " \
    "sum(reopened), " \
    "sum(urged), " \
    "sum(resp_num), " \
    "sum(resp_den), " \
    "sum(resol_num), " \
    "sum(resol_den), " \
    "sum(sat_num), " \
    "sum(sat_den), " \
    "sum(redo_num), " \
    "sum(redo_den)"
/* The measure numbered by parameter P (a CASE over the columns). */
#define ASSESS_MEASURE_CASE(P) \
    "CASE " P " " \
    "WHEN 0 THEN f.received " \
    "WHEN 1 THEN f.sign_num " \
    "WHEN 2 THEN f.sign_den " \
    "WHEN 3 THEN f.reply_num " \
    "WHEN 4 THEN f.reply_den " \
    "WHEN 5 THEN f.overdue " \
    "WHEN 6 THEN f.returned " \
    "WHEN 7 THEN f.return_accepted " \
    "WHEN 8 THEN f.return_refused " \
    "WHEN 9 THEN f.ext_asked " \
    "WHEN 10 THEN f.ext_approved " \
    "WHEN 11 THEN f.reopened " \
    "WHEN 12 THEN f.urged " \
    "WHEN 13 THEN f.resp_num " \
    "WHEN 14 THEN f.resp_den " \
    "WHEN 15 THEN f.resol_num " \
    "WHEN 16 THEN f.resol_den " \
    "WHEN 17 THEN f.sat_num " \
    "WHEN 18 THEN f.sat_den " \
    "WHEN 19 THEN f.redo_num " \
    "WHEN 20 THEN f.redo_den " \
    "END"

#endif
