DROP TABLE vacancy_coding;
