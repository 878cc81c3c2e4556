// rulebook/rulebook.hpp — everything a county system needs, in one include.
#pragma once

#include "rulebook/diagnostic.hpp"
#include "rulebook/engine.hpp"
#include "rulebook/load.hpp"
#include "rulebook/model.hpp"
#include "rulebook/money.hpp"
#include "rulebook/period.hpp"
#include "rulebook/result.hpp"
#include "rulebook/policy.hpp"
